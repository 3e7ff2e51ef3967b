export interface ConfigIssue {
  /** Field path as a user reads it, e.g. `agents[1].capabilities`; '' for a YAML syntax error. */
  readonly path: string;
  /** 1-based, like an editor's status bar. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/**
 * A configuration file that Baton cannot use. Its message lists every problem as `file:line:column: path: message`
 * (a form terminals and VS Code turn into links); `issues` carries the same for diagnostics. The CLI exits 2 on it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** The file as shown to the user, e.g. `.baton/agents.yaml`. */
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
    hint = `Fix ${issues.length === 1 ? 'it' : 'them'} in ${file}, or delete the file to use Baton's built-in team.`,
  ) {
    super([...issues.map((issue) => formatConfigIssue(file, issue)), hint].join('\n'));
  }
}

export function formatConfigIssue(file: string, issue: ConfigIssue): string {
  return `${file}:${issue.line}:${issue.column}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}
