import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Baton's own git commands run no program that a repository or an agent chose (docs/decisions/0024). An agent
// edits its worktree, which may hold hooks (a relative core.hooksPath, as husky sets), scripts that a filter or merge
// driver of the user's config names by a relative path, and .gitattributes, which picks the files such a driver runs
// on. Baton's git runs outside the sandbox, so none of that may run there.

/**
 * Where Baton's git looks for hooks. On Linux and macOS /dev/null: no file can ever exist under it, so no hook
 * can be put there, not even by a process of the same user. Windows has no such path: an empty folder of Baton's.
 */
function hooksPath(): string {
  if (process.platform !== 'win32') return '/dev/null';
  const dir = join(tmpdir(), 'baton-no-hooks');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Config given with `-c` (which wins over every config file) to every git Baton runs: no hooks (--no-verify does not
 * stop post-commit, post-checkout, post-merge or reference-transaction); no fsmonitor program; no signing, whose
 * program (gpg.program) is the config's and whose pinentry would wait for a person; no signature checks in log/show.
 */
export const noRepoCodeArgs: readonly string[] = [
  '-c', `core.hooksPath=${hooksPath()}`, '-c', 'core.fsmonitor=false', '-c', 'commit.gpgSign=false', '-c', 'log.showSignature=false',
];

/** The `git config --get-regexp` pattern for the drivers that config can define and .gitattributes can select. */
export const driverKeys = String.raw`^(filter|merge)\..+\.(clean|smudge|process|driver)$`;

// A merge driver is replaced with git's own three-way text merge, the one git uses for a file no driver is named
// for: a clean merge stays clean and a conflict leaves markers, and `merge-file` reads no attributes.
const textMerge = 'git merge-file --marker-size=%L -L ours -L base -L theirs %A %O %B';

/**
 * The `-c` arguments that switch off each filter and merge driver defined in the config, from `git config -z
 * --get-regexp <driverKeys>` output ("key\nvalue\0" entries). An empty clean/smudge/process with required=false is
 * how git skips a filter (the file is taken as it is, as for git-lfs's documented skip).
 */
export function driverOverrides(stdout: string): string[] {
  const filters = new Set<string>();
  const merges = new Set<string>();
  for (const entry of stdout.split('\0')) {
    const key = entry.split('\n', 1)[0] ?? '';
    const first = key.indexOf('.');
    const last = key.lastIndexOf('.');
    if (first < 0 || last <= first + 1) continue;
    const section = key.slice(0, first).toLowerCase();
    const name = key.slice(first + 1, last);
    if (section === 'filter') filters.add(name);
    else if (section === 'merge') merges.add(name);
  }
  return [
    ...[...filters].flatMap((n) => ['-c', `filter.${n}.clean=`, '-c', `filter.${n}.smudge=`, '-c', `filter.${n}.process=`, '-c', `filter.${n}.required=false`]),
    ...[...merges].flatMap((n) => ['-c', `merge.${n}.driver=${textMerge}`]),
  ];
}
