// A real VS Code for the tests: code-server 4.139.1 (VS Code 1.139.1) with a Node extension host, its
// extension tests loaded through VS Code's own test payload (docs/decisions/0002). Everything it writes stays inside one temporary folder,
// and stop() ends its whole process group.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer, ensureNode } from '../../scripts/tools.mjs';

export interface CodeServer {
  url: string;
  authority: string;
  dataDir: string;
  /** XDG_CONFIG_HOME of the server and its extension host: where Baton keeps the user's trust file. */
  configHome: string;
  log(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  workspace: string;
  /** Packaged extensions to install first (the UI tier tests the .vsix users get; the benchmark installs two). */
  vsix?: string | string[];
  /** Extra environment for the server and so for the extension host. */
  env?: Record<string, string>;
  /** Workspace trust on (so untrusted folders can be tested); off by default, as in the recipe. */
  workspaceTrust?: boolean;
  settings?: Record<string, unknown>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

// Quiet, deterministic workbench: nothing pops over what the tests look at.
const defaultSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never',
  'security.workspace.trust.startupPrompt': 'never',
};

async function waitForHealth(url: string, child: ReturnType<typeof spawn>, log: () => string): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 600; i++) {
    if (exited) throw new Error(`code-server exited while starting:\n${log()}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer /healthz within 60 s:\n${log()}`);
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const node = ensureNode();
  const entry = ensureCodeServer(node);
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-cs-'));
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const dirs = { tmp: join(dataDir, 'tmp'), user: join(dataDir, 'user'), ext: join(dataDir, 'ext'), xdg: join(dataDir, 'xdg') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.user, 'User'), { recursive: true });
  writeFileSync(join(dirs.user, 'User', 'settings.json'), JSON.stringify({ ...defaultSettings, ...options.settings }, null, 2));
  const config = join(dataDir, 'config.yaml');
  writeFileSync(config, `bind-addr: ${authority}\nauth: none\ncert: false\n`);
  const env = {
    ...process.env,
    ...options.env,
    PATH: `${join(node.bin, '..')}:${process.env.PATH ?? ''}`,
    TMPDIR: dirs.tmp,
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
  };
  const base = [entry, '--config', config, '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext];
  const vsixes = [options.vsix ?? []].flat().filter((v) => v !== '');
  if (vsixes.length) {
    const r = spawnSync(node.bin, [...base, ...vsixes.flatMap((v) => ['--install-extension', v])], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`code-server could not install ${vsixes.join(', ')}:\n${r.stdout}\n${r.stderr}`);
  }
  const logFile = join(dataDir, 'server.log');
  const out = openSync(logFile, 'a');
  const args = [...base, '--disable-telemetry', '--disable-update-check', '--vscode-option', 'enable-smoke-test-driver'];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  // detached: its own process group, so stop() can end the extension host and every helper with it.
  const child = spawn(node.bin, [...args, options.workspace], { env, detached: true, stdio: ['ignore', out, out] });
  const log = () => readFileSync(logFile, 'utf8');
  const url = `http://${authority}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once('exit', r));
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 3000);
      await exited;
      clearTimeout(timer);
    }
    // Helpers of the extension host may outlive the server in its group for a moment.
    try { if (child.pid) process.kill(-child.pid, 'SIGKILL'); } catch { /* all gone */ }
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await waitForHealth(url, child, log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, authority, dataDir, configHome: env.XDG_CONFIG_HOME, log, stop };
}
