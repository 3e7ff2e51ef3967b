import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BatonError } from '../errors';
import { gitEnv } from '../childEnv';

const run = promisify(execFile);

export interface RepositoryPaths {
  /** The top of the working tree. */
  root: string;
  /** `<git common dir>/baton`: Baton's database, audit logs and agent worktrees, never in the working tree. */
  batonDir: string;
}

/** The minimum git: `git merge-tree --write-tree` predicts conflicts without a working tree. */
export const minimumGit = [2, 38] as const;

/** The installed git's version line, and whether it is recent enough; undefined when there is no git. */
export async function gitVersion(): Promise<{ text: string; ok: boolean } | undefined> {
  let text: string;
  try {
    text = (await run('git', ['--version'], { env: gitEnv() })).stdout.trim();
  } catch {
    return undefined;
  }
  const [major = 0, minor = 0] = (text.match(/(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
  return { text, ok: major > minimumGit[0] || (major === minimumGit[0] && minor >= minimumGit[1]) };
}

/** Finds the repository of `dir`, or says clearly why Baton cannot work there. */
export async function findRepository(dir: string): Promise<RepositoryPaths> {
  const version = await gitVersion();
  if (!version) throw new BatonError('git was not found on the PATH.', `Install git ${minimumGit.join('.')} or newer and make sure \`git --version\` works.`, 'config');
  if (!version.ok) {
    throw new BatonError(`${version.text} is older than ${minimumGit.join('.')}, which Baton needs.`, `Install git ${minimumGit.join('.')} or newer: Baton predicts conflicts with \`git merge-tree --write-tree\`.`, 'config');
  }
  let probe: string[];
  try {
    // Absolute paths: --git-common-dir is otherwise relative to `dir`, which may be a subfolder.
    probe = (await run('git', ['rev-parse', '--path-format=absolute', '--is-bare-repository', '--is-inside-git-dir', '--git-common-dir'], { cwd: dir, env: gitEnv() })).stdout.trim().split('\n');
  } catch (error) {
    throw notARepository(dir, error);
  }
  const [bare, insideGitDir, common = ''] = probe;
  if (bare === 'true') {
    throw new BatonError(`Baton needs a working tree: ${dir} is a bare repository;`, `clone it (git clone ${dir} <folder>) and run Baton in the clone.`, 'config');
  }
  if (insideGitDir === 'true') throw new BatonError(`${dir} is inside a repository's git folder (${common}), not its working tree.`, 'Run Baton in the working tree.', 'config');
  const top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir, env: gitEnv() })).stdout.trim();
  return { root: top, batonDir: join(common, 'baton') };
}

/** Why git found no repository at `dir`, in words that say what to do. */
function notARepository(dir: string, error: unknown): BatonError {
  if (!existsSync(dir)) return new BatonError(`${dir} does not exist.`, 'Give the folder of a git repository (--repo DIR), or run Baton inside one.', 'config');
  const said = String((error as { stderr?: unknown }).stderr ?? '');
  if (/dubious ownership/.test(said)) {
    return new BatonError(`git refuses to work in ${dir}: the repository belongs to another user.`,
      `Run Baton as the user who owns it, or, if you trust it, tell git so: git config --global --add safe.directory ${dir}`, 'config');
  }
  return new BatonError(`${dir} is not inside a git repository.`, 'Run Baton in a git repository (`git init` and a first commit make one).', 'config');
}
