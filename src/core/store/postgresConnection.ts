import pg from 'pg';
import { BatonError } from '../errors';
import { StoreError } from './storeError';

// Every message here names the server as host:port, database and user, which is what a person needs to find
// the problem, and never the URL itself: it may carry a password, and Baton's errors end up in terminals, CI
// logs and bug reports.

/** Where a Postgres URL points, without its password. */
export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** e.g. `db.local:5432`, or the socket folder for a Unix socket. */
  readonly address: string;
  /** The password in the URL, kept only to scrub it from driver messages. */
  readonly secret?: string;
}

const settingHint = 'baton.storage.postgresUrl (CLI: BATON_POSTGRES_URL)';

/** Reads a connection URL the way pg will use it (PGHOST, PGPORT, PGUSER... fill what the URL leaves out). */
export function postgresTarget(url: string): PostgresTarget {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    throw new BatonError(
      `${settingHint} is not a PostgreSQL URL.`,
      'Write it as postgres://USER@HOST:PORT/DATABASE, and keep the password out of it: use the PGPASSWORD environment variable or a ~/.pgpass file.',
      'config',
    );
  }
  // pg's own parsing, so that defaults and environment variables are exactly the ones the connection uses.
  const client = new pg.Client({ connectionString: url });
  const host = client.host || 'localhost';
  const port = client.port || 5432;
  const address = host.startsWith('/') ? `the Unix socket in ${host} (port ${port})` : `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { host, port, database: client.database ?? '', user: client.user ?? '', address, secret: client.password || undefined };
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && typeof error.code === 'string') return error.code;
  // Node reports a refused connection to a name with several addresses (localhost: ::1 and 127.0.0.1) as an AggregateError.
  if ('errors' in error && Array.isArray(error.errors)) return codeOf(error.errors[0]);
  return undefined;
}

function driverMessage(target: PostgresTarget, error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return target.secret ? text.split(target.secret).join('***') : text;
}

/**
 * A BatonError for a failure to connect to or set up the Postgres store: what happened at which server, and
 * what to do about it.
 */
export function describePostgresError(target: PostgresTarget, error: unknown): BatonError | StoreError {
  if (error instanceof BatonError || error instanceof StoreError) return error;
  const at = `PostgreSQL at ${target.address}`;
  const who = `database "${target.database}", user "${target.user}"`;
  const code = codeOf(error);
  const message = driverMessage(target, error);
  const state = (text: string, fix: string) => new BatonError(text, fix, 'state');
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET' || code === 'ENOENT') {
    return state(`Baton could not reach ${at} (${code}): nothing accepted the connection.`, `Check that the server is running there and that ${settingHint} names the right host and port.`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return state(`Baton could not reach ${at}: the host name "${target.host}" does not resolve (${code}).`, `Check the host in ${settingHint} and your network or VPN.`);
  }
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return state(`Baton could not reach ${at}: it did not answer in time.`, `Check that the server is running, that a firewall lets you reach that port, and the host and port in ${settingHint}.`);
  }
  if (code === '28P01' || /password must be a string|no password/i.test(message)) {
    return state(
      `${at} refused ${who}: wrong or missing password.`,
      'Give the password in the PGPASSWORD environment variable or a ~/.pgpass file (not in the URL, which Baton may show in settings).',
    );
  }
  if (code === '28000') return state(`${at} does not let in ${who} (${message}).`, 'Ask its administrator for access (a role and a pg_hba.conf entry), or fix the user in the URL.');
  if (code === '3D000') {
    return state(`${at} has no database "${target.database}".`, `Create it (e.g. createdb -h ${target.host} -p ${target.port} ${target.database}) or fix the database name in ${settingHint}.`);
  }
  if (code === '42501') {
    return state(`${at} does not let ${who} create Baton's tables (${message}).`, 'Grant that user CREATE on the database (Baton keeps its tables in a schema named "baton"), or use a user that owns it.');
  }
  if (code === '57P03' || code === '53300') return state(`${at} is not accepting connections now (${message}).`, 'Wait a moment and try again, or ask its administrator.');
  return state(`Baton could not use ${at} (${who}): ${message}.`, `Check the server and ${settingHint}.`);
}
