import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Replaces `path` whole or not at all: a build or editor watching the worktree never sees half a file, and a
 * cancelled agent never leaves one. The temporary file is created exclusively in the same folder (so the rename
 * stays on one file system), and rename replaces a symlink swapped in at `path` rather than writing through it.
 * An existing file keeps its permissions, so scripts stay executable.
 */
export async function writeFileAtomic(path: string, content: string, knownMode?: number | null): Promise<void> {
  // `knownMode`: the caller has just looked (a number: the file's permissions; null: there is no file).
  const mode = knownMode === undefined ? await existingMode(path) : knownMode ?? undefined;
  const temp = join(dirname(path), `.baton-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { flag: 'wx', mode: mode ?? 0o666 });
    if (mode !== undefined) await chmod(temp, mode); // the umask may have narrowed it
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}
