import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BatonError } from '../errors';

const run = promisify(execFile);

export interface RepositoryPaths {
  /** The top of the working tree. */
  root: string;
  /** `<git common dir>/baton`: Baton's database, audit logs and agent worktrees, never in the working tree. */
  batonDir: string;
}

/** Finds the repository of `dir`, or says clearly why Baton cannot work there. */
export async function findRepository(dir: string): Promise<RepositoryPaths> {
  try {
    await run('git', ['--version']);
  } catch {
    throw new BatonError('git was not found on the PATH.', 'Install git 2.38 or newer and make sure `git --version` works.', 'config');
  }
  let top: string;
  let common: string;
  try {
    top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir })).stdout.trim();
    common = (await run('git', ['rev-parse', '--git-common-dir'], { cwd: dir })).stdout.trim();
  } catch {
    throw new BatonError(`${dir} is not inside a git repository.`, 'Run Baton in a git repository (`git init` and a first commit make one).', 'config');
  }
  if (!top) throw new BatonError(`${dir} is a bare repository.`, 'Run Baton in a repository with a working tree.', 'config');
  return { root: top, batonDir: join(resolve(top, common), 'baton') };
}
