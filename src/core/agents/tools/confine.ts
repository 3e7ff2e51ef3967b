import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep, win32 } from 'node:path';

// Every path an agent gives is judged here before anything is read or written. The worktree itself may live
// inside the main repository's .git directory (.git/baton/worktrees/...), so ".git" is judged on the path
// relative to the worktree root, never on the absolute path.

export type Confinement =
  | {
    readonly ok: true;
    readonly absolute: string;
    readonly relative: string;
    /** How many parts at the end of `absolute` did not exist when judged: 0 an existing path, 1 a new entry in an existing folder. */
    readonly missing: number;
  }
  | { readonly ok: false; readonly reason: string };

// Characters HFS+ ignores in names, so ".g\u200cit" is ".git" there (git refuses them for the same reason).
const ignorableChars = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]/g;

/**
 * True for a name the file system may treat as `.git`: any case (macOS, Windows), trailing dots and spaces
 * (Windows drops them) and the 8.3 short name `GIT~1`. In a worktree `.git` is a file; it is refused all the same.
 */
export function isGitSegment(segment: string): boolean {
  const name = segment.replace(ignorableChars, '').replace(/[. ]+$/, '').toLowerCase();
  return name === '.git' || name === 'git~1';
}

/** Resolves `relPath` against `root` and says whether a tool may touch it; reasons are written for the model. */
export async function resolveInside(root: string, relPath: string): Promise<Confinement> {
  const shown = JSON.stringify(relPath);
  if (relPath.includes('\0')) return refuse(`${shown} contains a NUL byte: send a plain relative path such as src/index.ts`);
  if (isAbsolute(relPath) || win32.isAbsolute(relPath)) {
    return refuse(`${shown} is an absolute path: paths are relative to your working folder, e.g. src/index.ts`);
  }
  // The root's real path and the target's are looked up together (each is a trip to the file system's
  // thread pool, which every agent shares); the lexical checks need neither, so they come first.
  const lexical = resolve(root, relPath);
  const lexicalRelative = relative(resolve(root), lexical);
  const inside = !escapes(lexicalRelative) && !touchesGit(lexicalRelative);
  const [realRoot, real] = await Promise.all([realpath(root).catch(() => undefined), inside ? realTarget(lexical) : undefined]);
  if (realRoot === undefined) return refuse(`your working folder ${root} no longer exists: stop and report it with finish`);
  if (escapes(lexicalRelative)) return refuse(`${shown} is outside your working folder: use a path inside it, relative to its root (e.g. src/index.ts)`);
  if (!real) return refuse(gitReason(shown));

  // Symbolic links are judged by where they lead: the real path of the deepest part that exists must be inside.
  if (!real.ok) return refuse(`${shown} ${real.reason}: use a path that is a plain file or folder inside your working folder`);
  const realRelative = relative(realRoot, real.path);
  if (escapes(realRelative)) return refuse(`${shown} leads through a symbolic link to outside your working folder: use a path inside it`);
  if (touchesGit(realRelative)) return refuse(gitReason(shown));
  return { ok: true, absolute: real.path, relative: realRelative === '' ? '.' : realRelative.split(sep).join('/'), missing: real.missing };
}

function refuse(reason: string): Confinement {
  return { ok: false, reason };
}

function gitReason(shown: string): string {
  return `${shown} is inside .git, which agents may not touch: Baton commits your work itself, so just change the files`;
}

function escapes(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

// Both separators, on every platform: refusing an odd POSIX name like "a\.git" costs nothing.
function touchesGit(rel: string): boolean {
  return rel.split(/[\\/]+/).some(isGitSegment);
}

type RealTarget = { readonly ok: true; readonly path: string; readonly missing: number } | { readonly ok: false; readonly reason: string };

/** The real path of `path`: its deepest existing ancestor resolved through symlinks, plus the parts still to create. */
async function realTarget(path: string): Promise<RealTarget> {
  const missing: string[] = [];
  let current = path;
  let resolved: Promise<string> = realpath(current);
  for (;;) {
    // Asked together, each a trip to the thread pool every agent shares: the path, and in case it does not
    // exist, whether it is a link and where its parent is (a new file needs all three).
    const parent = dirname(current);
    const next = parent === current ? undefined : realpath(parent);
    next?.catch(() => undefined);
    const link = isSymlink(current);
    try {
      return { ok: true, path: join(await resolved, ...missing), missing: missing.length };
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ELOOP') return { ok: false, reason: 'is a loop of symbolic links' };
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { ok: false, reason: `cannot be checked (${code ?? 'unknown error'})` };
      // A dangling link: writing through it would create its target, wherever that is.
      if (await link) return { ok: false, reason: 'is a symbolic link to something that does not exist' };
      if (!next) return { ok: false, reason: 'cannot be checked (no existing folder above it)' };
      missing.unshift(basename(current));
      current = parent;
      resolved = next;
    }
  }
}

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
