import type { Engine, RunOutcome } from '../../core/engine';
import type { OpenedEngine } from '../../core/openEngine';
import { exitCodes } from '../exitCodes';
import { describeEvent } from '../printer';
import type { CliIo } from '../program';
import { askApproval, canAsk } from '../prompt';
import type { Terminal } from '../prompt';
import type { PendingApproval } from '../../core/workflowRecords';

export interface DriveOptions {
  json: boolean;
  approve: 'ask' | 'auto' | 'never';
  terminal: Terminal;
}

/**
 * Prints events as they come: JSON Lines with --json, else one readable line each. Attached before
 * the workflow starts, so its first event is printed too; this process runs one workflow.
 */
export function printEvents(engine: Engine, io: CliIo, json: boolean): { dispose(): void } {
  return engine.bus.on('*', (e) => {
    if (json) io.stdout.write(`${JSON.stringify(e)}\n`);
    else {
      const line = describeEvent(e);
      if (line) io.stdout.write(`${line}\n`);
    }
  });
}

/**
 * Runs a workflow to its end in this process. Approvals are asked in the terminal when there is
 * one and --approve is ask; otherwise the workflow stays resumable and the exit code says why
 * it stopped (3 waiting for approval, 4 paused by budget, 130 cancelled).
 */
export async function drive(opened: OpenedEngine, workflowId: string, io: CliIo, options: DriveOptions): Promise<number> {
  const { engine } = opened;
  // Ctrl-C or `baton cancel` from another terminal (SIGTERM): the kill switch, then exit 130.
  const cancel = () => engine.cancel(workflowId);
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  try {
    for (;;) {
      const outcome: RunOutcome = await engine.run(workflowId);
      // Conflict predictions for the last commits finish in the background: wait, so they are printed and logged.
      await engine.conflictsSettled(workflowId);
      switch (outcome.status) {
        case 'completed':
          if (!options.json) io.stdout.write(`\n${outcome.summary}\n`);
          return exitCodes.completed;
        case 'failed':
          if (!options.json) io.stderr.write(`baton: the workflow failed: ${outcome.error}\nResume it after fixing the cause with: baton resume ${workflowId}\n`);
          return exitCodes.failed;
        case 'cancelled':
          if (!options.json) io.stderr.write(`baton: cancelled. Resume with: baton resume ${workflowId}\n`);
          return exitCodes.cancelled;
        case 'waiting':
        case 'paused': {
          if (outcome.status === 'paused' && outcome.reason === 'user') {
            if (!options.json) io.stderr.write(`baton: workflow ${workflowId} was paused. Resume with: baton resume ${workflowId}\n`);
            return exitCodes.cancelled;
          }
          if (outcome.status === 'paused' && outcome.reason === 'merge') {
            // Waiting for the user to make room for the merge: like an approval, answered with resume.
            if (!options.json) io.stderr.write(`baton: the result of ${workflowId} was not merged into your branch: ${outcome.detail}\n`);
            return exitCodes.waitingForApproval;
          }
          const asked = options.approve === 'ask' && !options.json && canAsk(options.terminal);
          let decided = 0;
          for (const p of asked ? outcome.approvals : []) {
            const answer = await askApproval(options.terminal, p, outcome.costUsd);
            if (!answer) continue;
            await engine.decide(workflowId, p.approvalId, answer.decision, answer.reason, { budgetUsd: answer.budgetUsd });
            decided++;
          }
          if (decided > 0) continue;
          if (!options.json) io.stderr.write(howToAnswer(workflowId, outcome.approvals));
          return outcome.status === 'paused' ? exitCodes.pausedByBudget : exitCodes.waitingForApproval;
        }
      }
    }
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}

/** What the workflow waits for, and the commands that answer it: a budget stop is answered with a new budget. */
function howToAnswer(workflowId: string, approvals: readonly PendingApproval[]): string {
  const stop = approvals.find((p) => p.trigger === 'budget' && !p.approvalId.startsWith('allowance-'));
  const others = approvals.filter((p) => p !== stop);
  const lines = [`baton: workflow ${workflowId} is waiting for ${approvals.length} approval(s):`, ...approvals.map((p) => `  ${p.approvalId} (${p.trigger}): ${p.reason}`)];
  if (stop) lines.push(`Only you raise a budget: go on with: baton resume ${workflowId} --budget USD, or stop here with: baton reject ${workflowId} ${stop.approvalId}, then: baton resume ${workflowId}`);
  if (approvals.some((p) => p.trigger === 'secret')) lines.push('Only you say whether what looks like a secret is one (--approve auto does not): approve if it is not (the change is committed as it is), reject to drop the change.');
  if (others.length) lines.push(`Answer with: baton approve ${workflowId} <approvalId> | baton reject ${workflowId} <approvalId> --reason "...", then: baton resume ${workflowId}`);
  return `${lines.join('\n')}\n`;
}
