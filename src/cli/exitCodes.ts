/** The `baton` exit codes of DESIGN.md §2; scripts and CI rely on them. */
export const exitCodes = {
  completed: 0,
  failed: 1,
  usage: 2,
  waitingForApproval: 3,
  pausedByBudget: 4,
  cancelled: 130,
} as const;

/** An error the user caused or can fix; its message is printed as is, without a stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = exitCodes.failed) {
    super(message);
    this.name = 'CliError';
  }
}
