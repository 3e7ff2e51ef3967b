import { existsSync } from 'node:fs';
import { StoreError, sqliteBusy, sqliteCorrupt, sqliteErrorCode, sqliteFull, sqliteLocked, sqliteNotADatabase } from './storeError';

// What each SQLite failure means for a Baton user, and what they do next. A damaged file is never moved or
// replaced by Baton itself: it may hold the only record of unfinished workflows, and a person decides when to
// give that up. The message names the exact command, so that the damaged bytes are kept as a backup.

/** A timestamp safe in a file name, e.g. 20261129T133502Z. */
function fileStamp(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * The shell command that moves a damaged database aside under a backup name. Its -wal file holds committed
 * pages not yet copied into the file, so it goes with it when there is one (the -shm is only an index).
 */
export function moveAsideCommands(path: string, now = new Date()): string {
  const backup = `${path}.corrupt-${fileStamp(now)}`;
  const move = `mv "${path}" "${backup}"`;
  // The -wal may vanish when the last connection closes: the command must work either way.
  return existsSync(`${path}-wal`) ? `${move} && if [ -e "${path}-wal" ]; then mv "${path}-wal" "${backup}-wal"; fi` : move;
}

function sqliteMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The StoreError for a SQLite failure a user can act on (a damaged file, a lock held too long, a full disk),
 * or undefined for any other error, which stays as it was thrown.
 */
export function storeProblemOf(path: string, error: unknown, busyTimeoutMs: number): StoreError | undefined {
  if (error instanceof StoreError) return error;
  const code = sqliteErrorCode(error);
  if (code === sqliteNotADatabase || code === sqliteCorrupt) {
    return new StoreError(
      'not-a-database',
      `${path} is damaged or is not a Baton database (SQLite: ${sqliteMessage(error)}). Baton left the file as it is and wrote nothing over it. ` +
        `To start again with a new, empty database, close every Baton (VS Code windows, CLI) and move it aside: ${moveAsideCommands(path)}. ` +
        'Keep that copy: the workflows stored in it cannot be resumed from a new database, but their branches (baton/<workflow>/<agent>) stay in git.',
      { cause: error },
    );
  }
  if (code === sqliteBusy || code === sqliteLocked) {
    return new StoreError(
      'locked',
      `${path} is locked by another process: another Baton (a VS Code window or a \`baton\` command) held it for more than ${busyTimeoutMs / 1000} s. ` +
        'Wait for that one to finish, or close it, then try again. Nothing was changed.',
      { cause: error },
    );
  }
  if (code === sqliteFull) {
    return new StoreError(
      'disk-full',
      `Baton could not write to ${path}: the disk is full (SQLite: ${sqliteMessage(error)}). That write was rolled back; everything saved before it is intact. ` +
        'Free some space on that disk, then go on (a stopped workflow continues with: baton resume <id>).',
      { cause: error },
    );
  }
  return undefined;
}
