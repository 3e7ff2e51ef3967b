import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from './configError';
import { defaultTeamConfig, resolveTeam } from './defaultTeam';
import { teamFileSchema } from './teamSchema';
import type { TeamConfig } from './teamSchema';
import { parseYamlConfig } from './yamlConfig';

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
    if (!isNotFound(error)) throw unreadable(error);
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
  return resolveTeam(parseYamlConfig(text, file, teamFileSchema));
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

/** A team file Baton cannot read is a configuration error (exit 2) that says what to do, not a crash. */
function unreadable(error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' || code === 'EPERM' ? 'it cannot be read (permission denied)' : (error as Error).message;
  const fix = code === 'EISDIR'
    ? `Make ${teamConfigFile} a YAML file (agents:, routing:, ...), or remove the folder to use Baton's built-in team.`
    : `Make ${teamConfigFile} readable for you, or remove it to use Baton's built-in team.`;
  return new ConfigError(teamConfigFile, [{ path: '', line: 1, column: 1, message: `Baton cannot read its team file: ${why}` }], fix);
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
