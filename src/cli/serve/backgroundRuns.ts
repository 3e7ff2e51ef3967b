import type { Engine } from '../../core/engine';
import { errorMessage } from '../../core/errors';

/**
 * The workflows this server runs, one run at a time per workflow. A run that stops for an approval
 * simply ends: the workflow waits in the store until an approval request starts it again.
 */
export class BackgroundRuns {
  private readonly runs = new Map<string, Promise<void>>();
  /** Decisions arrived while running: the current run cannot see them, so one more run applies them. */
  private readonly again = new Set<string>();
  private closing = false;

  constructor(private readonly engine: Engine, private readonly log: (line: string) => void) {}

  running(): string[] {
    return [...this.runs.keys()];
  }

  isRunning(workflowId: string): boolean {
    return this.runs.has(workflowId);
  }

  /** Runs (or goes on with) the workflow without waiting for it. */
  start(workflowId: string): void {
    if (this.closing) return;
    if (this.runs.has(workflowId)) {
      this.again.add(workflowId);
      return;
    }
    const run = this.loop(workflowId)
      .catch((e: unknown) => this.log(`workflow ${workflowId} stopped with an error: ${errorMessage(e)}`))
      .finally(() => {
        this.runs.delete(workflowId);
        this.again.delete(workflowId);
      });
    this.runs.set(workflowId, run);
  }

  /**
   * The kill switch for every run, e.g. when the server stops: each is cancelled (its checkpoint keeps it
   * resumable with `baton resume`) and awaited. A run that has not reached the graph yet cannot be
   * cancelled, so the cancel is repeated until it takes.
   */
  async stopAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.runs].map(async ([id, run]) => {
      this.engine.cancel(id);
      const retry = setInterval(() => this.engine.cancel(id), 20);
      try {
        await run;
      } finally {
        clearInterval(retry);
      }
    }));
  }

  private async loop(workflowId: string): Promise<void> {
    for (;;) {
      this.again.delete(workflowId);
      const outcome = await this.engine.run(workflowId);
      const stopped = outcome.status === 'waiting' || outcome.status === 'paused';
      if (!stopped || !this.again.has(workflowId) || this.closing) return;
    }
  }
}
