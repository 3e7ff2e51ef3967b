import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { describeRequests, hasRequests } from '../../core/config/repoRequests';
import { openEngine } from '../../core/openEngine';
import { CliError, exitCodes } from '../exitCodes';
import type { CliIo } from '../program';
import { minTokenLength, startApiServer } from '../serve/apiServer';
import type { ApiServer } from '../serve/apiServer';
import { runFlags } from '../settings';
import { loadUserSettings } from '../userSettings';

/** Where `baton serve` listens without --port; --port 0 takes any free port. */
export const defaultServePort = 7317;

export interface ServeOptions {
  /** Stops the server like SIGINT/SIGTERM do (tests, an embedding host). */
  signal?: AbortSignal;
}

function parsePort(value: string | boolean | undefined): number {
  if (value === undefined) return defaultServePort;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > 65_535) throw new CliError(`--port must be a whole number from 0 to 65535 (got "${String(value)}"); 0 picks a free port`, exitCodes.usage);
  return n;
}

function serveToken(env: NodeJS.ProcessEnv): { token: string; generated: boolean } {
  const given = env.BATON_SERVE_TOKEN?.trim();
  if (!given) return { token: randomBytes(24).toString('base64url'), generated: true };
  if (given.length < minTokenLength) {
    throw new CliError(`BATON_SERVE_TOKEN is too short (${given.length} characters; use at least ${minTokenLength}, e.g. the output of: openssl rand -base64 24), or unset it to get a generated token`, exitCodes.usage);
  }
  return { token: given, generated: false };
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) stop();
  });
}

/**
 * `baton serve [--port N] [--repo DIR]`: the HTTP API on 127.0.0.1 until SIGINT/SIGTERM. The token is
 * printed once when Baton made it up; one from BATON_SERVE_TOKEN is never echoed, nor is the model key.
 */
export async function serveCommand(values: { repo?: string | boolean; port?: string | boolean }, io: CliIo, options: ServeOptions = {}): Promise<number> {
  const port = parsePort(values.port);
  const { token, generated } = serveToken(io.env);
  const repo = resolve(io.cwd, typeof values.repo === 'string' ? values.repo : '.');
  const f = runFlags({}, io.env, (await loadUserSettings(io.env)).settings);
  const opened = await openEngine(repo, f.settings);
  let server: ApiServer | undefined;
  try {
    // No one to ask while serving: what the repository requests is used once trusted with `baton trust`.
    const requests = await opened.repoTrust.status();
    if (hasRequests(requests.unused)) {
      io.stderr.write(`baton serve: ${requests.file} asks ${describeRequests(requests.unused)}; not used until you trust it: baton trust --repo ${opened.repoRoot}\n`);
    }
    try {
      server = await startApiServer({
        engine: opened.engine, port, token, log: (line) => void io.stderr.write(`baton serve: ${line}\n`),
        defaults: { mode: f.mode, budgetUsd: f.budgetUsd, budgetTokens: f.budgetTokens },
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`port ${port} is in use; choose another with --port N (0 picks a free one)`, exitCodes.usage);
      throw e;
    }
    io.stdout.write(`Baton API on ${server.url} (token: ${generated ? token : 'from BATON_SERVE_TOKEN'}) for ${opened.repoRoot}. Stop with Ctrl-C.\n`);
    await untilStopped(options.signal);
    const running = server.running();
    await server.close();
    server = undefined;
    if (running.length) io.stdout.write(`Stopped; cancelled ${running.join(', ')}. Go on with: baton resume <id>\n`);
    return exitCodes.completed;
  } finally {
    await server?.close();
    opened.close();
  }
}
