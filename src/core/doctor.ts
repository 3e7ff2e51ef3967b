import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gitEnv } from './childEnv';
import { BatonError } from './errors';
import { findRepository, gitVersion, minimumGit } from './git/repository';
import { checkRuntime } from './runtime';
import { sandboxStatus } from './sandbox/sandboxStatus';
import type { CommandSandbox } from './sandbox/sandboxStatus';
import type { StorageSettings } from './store/operationalStore';

const execGit = promisify(execFile);
/** git from the doctor, with the environment every git of Baton's gets. */
const run = (file: string, args: string[], options: { cwd: string }) => execGit(file, args, { ...options, env: gitEnv() });

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorInput {
  host: 'cli' | 'extension';
  repoDir: string | undefined;
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  /** How long the model endpoint may take to answer; doctor must never hang. */
  timeoutMs?: number;
  /** With the Postgres backend, doctor checks that the server can be reached. */
  storage?: StorageSettings;
  /**
   * The PostgreSQL check (store/storageCheck.ts), passed in so the doctor itself stays free of the pg
   * driver: VS Code runs it from the extension's small bundle and loads the check with the engine.
   */
  checkStorage?: (url: string, timeoutMs?: number) => Promise<Check>;
  /** The sandbox agents' commands would run in; unset: bubblewrap from PATH. */
  sandbox?: CommandSandbox;
}


/** Everything Baton needs, checked the way a user would ask "why doesn't it work?". */
export async function runDoctor(input: DoctorInput): Promise<Check[]> {
  const runtime = checkRuntime(input.host);
  const checks: Check[] = [
    runtime.ok
      ? { name: 'Node.js runtime', status: 'ok', detail: `${runtime.node} with node:sqlite` }
      : { name: 'Node.js runtime', status: 'fail', detail: runtime.problem, fix: runtime.fix },
    await checkGit(),
  ];
  checks.push(input.repoDir ? await checkRepository(input.repoDir) : {
    name: 'Repository', status: 'fail', detail: 'No folder is open.', fix: 'Open the folder of a git repository.',
  });
  checks.push(...(await checkModel(input)));
  checks.push(await checkSandbox(input));
  if (input.storage?.backend === 'postgres') {
    checks.push(input.checkStorage
      ? await input.checkStorage(input.storage.postgresUrl, input.timeoutMs)
      : { name: 'Storage', status: 'warn', detail: 'The storage backend is PostgreSQL; it was not checked here.', fix: 'Run `baton doctor` to check the server.' });
  }
  return checks;
}

async function checkGit(): Promise<Check> {
  const name = 'git';
  const version = await gitVersion();
  if (!version) return { name, status: 'fail', detail: 'git was not found on the PATH.', fix: `Install git ${minimumGit.join('.')} or newer and make sure \`git --version\` works in a terminal.` };
  return version.ok
    ? { name, status: 'ok', detail: version.text }
    : { name, status: 'fail', detail: `${version.text} is older than ${minimumGit.join('.')}.`, fix: `Install git ${minimumGit.join('.')} or newer: Baton predicts conflicts with \`git merge-tree --write-tree\`.` };
}

async function checkRepository(dir: string): Promise<Check> {
  const name = 'Repository';
  try {
    // The same sentences as a run gets: a bare repository, a git folder, one owned by another user.
    await findRepository(dir);
  } catch (e) {
    if (!(e instanceof BatonError)) throw e;
    return { name, status: 'fail', detail: e.message, fix: e.fix };
  }
  try {
    const { stdout } = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir });
    const branch = await run('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: dir }).then((r) => r.stdout.trim(), () => undefined);
    return branch
      ? { name, status: 'ok', detail: `${dir} on ${branch} at ${stdout.trim()}` }
      : { name, status: 'warn', detail: `${dir} is on a detached HEAD (${stdout.trim()}).`, fix: 'Check out a branch (`git switch <branch>`) so Baton has somewhere to land the agents\' work.' };
  } catch {
    return { name, status: 'fail', detail: `${dir} has no commits yet.`, fix: 'Make a first commit: agents branch off it.' };
  }
}

/** A missing sandbox does not stop a run, but every command then waits for a person (and the CLI has none to ask). */
async function checkSandbox(input: DoctorInput): Promise<Check> {
  const status = await sandboxStatus(input.sandbox);
  if (!status.available) return { name: 'Sandbox', status: 'warn', detail: status.problem, fix: status.fix };
  const network = status.socat ? '' : ' (socat is not installed: hosts in sandbox.network cannot be reached; `sudo apt install socat`)';
  return { name: 'Sandbox', status: 'ok', detail: `${status.version}: agents' commands and the check run without network, writing only their worktree${network}` };
}

function isLocal(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
}

async function checkModel(input: DoctorInput): Promise<Check[]> {
  let url: URL;
  try {
    url = new URL(input.baseUrl);
  } catch {
    return [{ name: 'Model endpoint', status: 'fail', detail: `"${input.baseUrl}" is not a URL.`, fix: 'Set baton.model.baseUrl (or BATON_BASE_URL) to e.g. https://api.openai.com/v1.' }];
  }
  const key: Check = input.apiKey
    ? { name: 'API key', status: 'ok', detail: 'set (not shown)' }
    : isLocal(url)
      ? { name: 'API key', status: 'ok', detail: 'none, and none needed for a local endpoint' }
      : { name: 'API key', status: 'fail', detail: `No API key for ${url.host}.`, fix: input.host === 'cli' ? 'Set BATON_API_KEY (or OPENAI_API_KEY).' : 'Run "Baton: Set API Key".' };
  return [key, await probeEndpoint(url, input)];
}

// GET /models is the cheapest request every OpenAI-compatible server answers; it costs no tokens.
async function probeEndpoint(url: URL, input: DoctorInput): Promise<Check> {
  const name = 'Model endpoint';
  const models = new URL(`${url.href.replace(/\/$/, '')}/models`);
  try {
    const res = await fetch(models, {
      headers: input.apiKey ? { authorization: `Bearer ${input.apiKey}` } : {},
      signal: AbortSignal.timeout(input.timeoutMs ?? 5000),
    });
    if (res.status === 401 || res.status === 403) {
      return { name, status: 'fail', detail: `${url.host} rejected the API key (HTTP ${res.status}).`, fix: input.host === 'cli' ? 'Check BATON_API_KEY.' : 'Run "Baton: Set API Key" with a valid key.' };
    }
    if (!res.ok) return { name, status: 'warn', detail: `${models.href} answered HTTP ${res.status}; model "${input.model}" may still work.` };
    return { name, status: 'ok', detail: `${url.origin} answers; model "${input.model}"` };
  } catch (e) {
    const timedOut = e instanceof Error && e.name === 'TimeoutError';
    return {
      name, status: 'fail',
      detail: timedOut ? `${url.host} did not answer within ${(input.timeoutMs ?? 5000) / 1000} s.` : `${url.host} cannot be reached (${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}).`,
      fix: 'Check baton.model.baseUrl (or BATON_BASE_URL), your network, and that the server is running.',
    };
  }
}
