/**
 * An error Baton can explain: what happened, and what to do next. The CLI prints it without a
 * stack trace and exits with the code of its kind; the extension shows it as a notification.
 */
export type BatonErrorKind = 'config' | 'usage' | 'model' | 'git' | 'state' | 'cancelled' | 'internal';

export class BatonError extends Error {
  constructor(message: string, readonly fix: string | undefined, readonly kind: BatonErrorKind = 'internal') {
    super(message);
    this.name = 'BatonError';
  }

  /** The sentence a user reads. */
  describe(): string {
    return this.fix ? `${this.message} ${this.fix}` : this.message;
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof BatonError) return e.describe();
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The reason a paused workflow's run stops with (Engine.pause): resumable, and nothing is cleaned up. */
export class WorkflowPaused extends BatonError {
  constructor() {
    super('The workflow was paused.', undefined, 'cancelled');
    this.name = 'WorkflowPaused';
  }
}
