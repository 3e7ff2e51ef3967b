import { BatonError } from '../errors';
import type { BatonErrorKind } from '../errors';

/** What went wrong with Baton's database, for callers that react differently. */
export type StoreProblem =
  | 'sqlite-unavailable'
  | 'not-a-database'
  | 'newer-schema'
  | 'migration-failed'
  | 'cannot-open'
  | 'cannot-write'
  | 'damaged-data'
  | 'locked'
  | 'disk-full';

/**
 * A database problem the user has to act on; the message says what to do. It is a BatonError of kind
 * 'state' (or 'config' for a folder the user must set right), so every caller that reports BatonErrors (the
 * CLI, the extension) shows it without a stack trace.
 */
export class StoreError extends BatonError {
  override readonly name = 'StoreError';

  constructor(
    readonly problem: StoreProblem,
    message: string,
    options?: { cause?: unknown; kind?: BatonErrorKind },
  ) {
    super(message, undefined, options?.kind ?? 'state');
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/** SQLite's primary result code of an error thrown by node:sqlite, if it is one. */
export function sqliteErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('errcode' in error)) return undefined;
  const code = error.errcode;
  // Extended codes carry the primary code in their low byte (SQLITE_BUSY_SNAPSHOT = 5 | 2 << 8).
  return typeof code === 'number' ? code & 0xff : undefined;
}

export const sqliteBusy = 5;
export const sqliteLocked = 6;
export const sqliteReadOnly = 8;
export const sqliteCorrupt = 11;
export const sqliteFull = 13;
export const sqliteCantOpen = 14;
export const sqliteNotADatabase = 26;
