import type { Check } from '../doctor';
import { BatonError, errorMessage } from '../errors';
import { postgresMigrations } from './postgresMigrations';
import { probePostgres } from './postgresProbe';

/** The doctor's check of the PostgreSQL backend: the server answers, and its Baton schema is one this build knows. */
export async function checkPostgres(url: string, timeoutMs = 5000): Promise<Check> {
  const name = 'Storage';
  if (!url.trim()) return { name, status: 'fail', detail: 'The storage backend is PostgreSQL, but no URL is set.', fix: 'Set baton.storage.postgresUrl (CLI: BATON_POSTGRES_URL) to postgres://USER@HOST:PORT/DATABASE.' };
  try {
    const probe = await probePostgres(url, timeoutMs);
    const where = `PostgreSQL ${probe.serverVersion} at ${probe.target.address}, database "${probe.target.database}"`;
    if (probe.schemaVersion > postgresMigrations.length) {
      return { name, status: 'fail', detail: `${where} was set up by a newer Baton (schema ${probe.schemaVersion}).`, fix: 'Update Baton on this machine.' };
    }
    return { name, status: 'ok', detail: probe.schemaVersion ? `${where}, Baton schema ${probe.schemaVersion}` : `${where}; Baton creates its tables on first use` };
  } catch (e) {
    return e instanceof BatonError ? { name, status: 'fail', detail: e.message, fix: e.fix } : { name, status: 'fail', detail: errorMessage(e) };
  }
}
