import { resolve } from 'node:path';
import { runDoctor } from '../../core/doctor';
import { resolveModelEndpoint } from '../../core/modelEndpoint';
import type { CheckStatus } from '../../core/doctor';
import { exitCodes } from '../exitCodes';
import type { CliIo } from '../program';
import { storageSettings } from '../settings';
import { checkPostgres } from '../../core/store/storageCheck';

const marks: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** `baton doctor`: checks everything Baton needs; exits 1 when something would stop a run. */
export async function doctorCommand(values: { repo?: string | boolean; json?: string | boolean }, io: CliIo): Promise<number> {
  const checks = await runDoctor({
    checkStorage: checkPostgres,
    host: 'cli',
    repoDir: resolve(io.cwd, typeof values.repo === 'string' ? values.repo : '.'),
    ...resolveModelEndpoint(io.env),
    storage: storageSettings(io.env),
  });
  if (values.json) {
    for (const c of checks) io.stdout.write(`${JSON.stringify(c)}\n`);
  } else {
    for (const c of checks) io.stdout.write(`${marks[c.status]}  ${c.name}: ${c.detail}${c.fix ? `\n      ${c.fix}` : ''}\n`);
  }
  return checks.some((c) => c.status === 'fail') ? exitCodes.failed : exitCodes.completed;
}
