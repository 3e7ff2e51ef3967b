import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
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
  let top: string;
  let common: string;
  try {
    top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir, env: gitEnv() })).stdout.trim();
    common = (await run('git', ['rev-parse', '--git-common-dir'], { cwd: dir, env: gitEnv() })).stdout.trim();
  } catch {
    throw new BatonError(`${dir} is not inside a git repository.`, 'Run Baton in a git repository (`git init` and a first commit make one).', 'config');
  }
  if (!top) throw new BatonError(`${dir} is a bare repository.`, 'Run Baton in a repository with a working tree.', 'config');
  return { root: top, batonDir: join(resolve(top, common), 'baton') };
}
