import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import { ConfigError } from './configError';
import type { ConfigIssue } from './configError';
import { describeConfigIssues, formatPath } from './configIssues';
import { defaultTeamConfig, resolveTeam } from './defaultTeam';
import { teamFileSchema } from './teamSchema';
import type { TeamConfig } from './teamSchema';
import { positionOf } from './yamlPosition';

/** Where a repository declares its team, relative to its root (DESIGN.md §2). */
export const teamConfigFile = '.baton/agents.yaml';

export interface LoadedTeam {
  readonly team: TeamConfig;
  readonly source: 'file' | 'builtin';
  /** The file read, when source is 'file'. */
  readonly path?: string;
}

/** Reads `.baton/agents.yaml`, or returns the built-in team when there is none. Throws ConfigError. */
export async function loadTeamConfig(repoRoot: string): Promise<LoadedTeam> {
  const path = join(repoRoot, teamConfigFile);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await refuseMisnamedFile(repoRoot);
    return { team: defaultTeamConfig(), source: 'builtin' };
  }
  return { team: parseTeamConfig(text), source: 'file', path };
}

/**
 * Parses and validates the text of a team file, reporting every problem at once with its line and column.
 * `file` is only used in messages.
 */
export function parseTeamConfig(text: string, file = teamConfigFile): TeamConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  // A syntax error leaves the document partial: schema complaints about it would only add noise.
  if (doc.errors.length > 0) throw new ConfigError(file, doc.errors.map(syntaxIssue));

  let data: unknown;
  try {
    // maxAliasCount bounds "billion laughs" alias expansion.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, [{ path: '', line: 1, column: 1, message: `cannot read the YAML: ${message}` }]);
  }

  const result = teamFileSchema.safeParse(data, { reportInput: true });
  if (result.success) return resolveTeam(result.data);
  const issues = describeConfigIssues(teamFileSchema, result.error.issues).map((issue): ConfigIssue => {
    const { line, column } = positionOf(doc, lineCounter, issue.path);
    return { path: formatPath(issue.path) || '(top level)', line, column, message: issue.message };
  });
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ConfigError(file, issues);
}

const syntaxHints: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  DUPLICATE_KEY: 'each field may appear once: remove or rename the repeated one',
  BAD_INDENT: "check the indentation: an agent's fields start at the same column, list items start with \"- \"",
  MISSING_CHAR: 'check for a missing "- ", closing quote or bracket',
  BLOCK_AS_IMPLICIT_KEY: 'put a value that contains ": " in quotes',
};

function syntaxIssue(error: YAMLError): ConfigIssue {
  const position = error.linePos?.[0] ?? { line: 1, col: 1 };
  // yaml appends " at line L, column C:" and a code excerpt; the position is already in the prefix.
  const [sentence = error.message] = error.message.split(/ at line \d+, column \d+/);
  const hint = syntaxHints[error.code] ?? 'fix the YAML syntax here';
  return { path: '', line: position.line, column: position.col, message: `YAML syntax error: ${sentence}. Hint: ${hint}` };
}

/** A team file under a name Baton does not read would be silently ignored: say so instead. */
async function refuseMisnamedFile(repoRoot: string): Promise<void> {
  for (const name of ['.baton/agents.yml', '.baton/team.yaml', '.baton/agents.json']) {
    if (await exists(join(repoRoot, name))) {
      throw new ConfigError(
        name,
        [{ path: '', line: 1, column: 1, message: `Baton reads its team from ${teamConfigFile}, not ${name}` }],
        `Rename it to ${teamConfigFile} (in YAML), or delete it to use Baton's built-in team.`,
      );
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
