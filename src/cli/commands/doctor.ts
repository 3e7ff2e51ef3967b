import { resolve } from 'node:path';
import { runDoctor } from '../../core/doctor';
import { resolveModelEndpoint } from '../../core/modelEndpoint';
import type { Check, CheckStatus } from '../../core/doctor';
import { ConfigError } from '../../core/config/configError';
import { loadUserSettings } from '../userSettings';
import type { UserSettings } from '../userSettings';
import { exitCodes } from '../exitCodes';
import type { CliIo } from '../program';
import { storageSettings } from '../settings';
import { checkPostgres } from '../../core/store/storageCheck';

const marks: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** `baton doctor`: checks everything Baton needs; exits 1 when something would stop a run. */
export async function doctorCommand(values: { repo?: string | boolean; json?: string | boolean }, io: CliIo): Promise<number> {
  const { check: settingsCheck, settings: user } = await settingsFile(io.env);
  const checks = [...await runDoctor({
    checkStorage: checkPostgres,
    host: 'cli',
    repoDir: resolve(io.cwd, typeof values.repo === 'string' ? values.repo : '.'),
    ...resolveModelEndpoint(io.env, { baseUrl: user.model?.baseUrl, model: user.model?.name }),
    storage: storageSettings(io.env, user.storage),
  }), settingsCheck];
  if (values.json) {
    for (const c of checks) io.stdout.write(`${JSON.stringify(c)}\n`);
  } else {
    for (const c of checks) io.stdout.write(`${marks[c.status]}  ${c.name}: ${c.detail}${c.fix ? `\n      ${c.fix}` : ''}\n`);
  }
  return checks.some((c) => c.status === 'fail') ? exitCodes.failed : exitCodes.completed;
}

/** The user's settings file as a check: doctor reports a file Baton cannot use instead of stopping at it. */
async function settingsFile(env: NodeJS.ProcessEnv): Promise<{ check: Check; settings: UserSettings }> {
  const name = 'Settings file';
  try {
    const { settings, path, found } = await loadUserSettings(env);
    const detail = found ? `${path} (read)` : `${path ? `none at ${path}` : 'none (no home folder in the environment)'}: Baton's defaults, the environment and flags apply`;
    return { settings, check: { name, status: 'ok', detail } };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { settings: {}, check: { name, status: 'fail', detail: e.message.split('\n').slice(0, -1).join('\n'), fix: e.message.split('\n').at(-1) } };
  }
}
