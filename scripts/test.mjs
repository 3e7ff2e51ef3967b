// `npm test`: every tier, on a Node >= 22.13 (provisioned when the machine's is older), ending
// with the one line CI reads: `N passed, N failed`. `node scripts/test.mjs unit ui` runs a subset.
//   typecheck  tsc on the extension, core, tests and the webview (strict)
//   unit       mocha on src/core and the test support (plain Node)
//   checkpointer  LangGraph's official checkpoint-saver validation suite (vitest) on both backends: Baton's SQLite
//              saver and LangGraph's PostgresSaver on a throwaway PostgreSQL (installed by scripts/tools.mjs)
//   package    npm run package, then the .vsix and the CLI bundle are checked (also on PostgreSQL)
//   vscode     mocha inside the extension host of a real VS Code (code-server)
//   ui         Playwright in Chromium against that VS Code, with the .vsix installed
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureNode, ensurePostgres, ensureSandboxTools, envWithNode } from './tools.mjs';

const root = resolve(import.meta.dirname, '..');
const results = join(root, 'test-results');
const allTiers = ['typecheck', 'unit', 'checkpointer', 'package', 'vscode', 'ui'];
const requested = process.argv.slice(2);
const unknown = requested.filter((t) => !allTiers.includes(t));
if (unknown.length) {
  console.error(`unknown tier(s): ${unknown.join(', ')}; choose from ${allTiers.join(', ')}`);
  process.exit(2);
}
const tiers = requested.length ? allTiers.filter((t) => requested.includes(t)) : allTiers;

const node = ensureNode();
const baseEnv = envWithNode(node);
mkdirSync(results, { recursive: true });

// The unit, checkpointer and package tiers run the stores on both backends, PostgreSQL from Debian's packages.
// When it cannot be installed the run goes on: those tests then fail, each saying what to install.
if (['unit', 'checkpointer', 'package'].some((t) => tiers.includes(t))) {
  try {
    ensurePostgres();
  } catch (e) {
    console.error(`[tools] PostgreSQL: ${e.message}`);
  }
}

// Every tier that runs agents' commands or doctor expects the sandbox (bubblewrap, socat) to be there, as on a
// developer's Linux machine; when it cannot be installed the run goes on and those tests say what is missing.
if (['unit', 'package', 'vscode', 'ui'].some((t) => tiers.includes(t))) {
  try {
    ensureSandboxTools();
  } catch (e) {
    console.error(`[tools] bubblewrap: ${e.message}`);
  }
}

function run(args, env = baseEnv) {
  const r = spawnSync(node.bin, args, { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

let packaged = false;
function ensurePackaged() {
  if (packaged) return 0;
  const code = run(['scripts/package.mjs']);
  packaged = code === 0;
  return code;
}

/** Runs mocha for a tier and reads the counts its reporter wrote. */
// The CLI reads the user's settings file (~/.config/baton/config.yaml): the tiers that run the CLI get an empty
// config home of their own, so a developer's settings never change what the tests see.
const cliTiers = new Set(['unit', 'package']);
const emptyConfigHome = () => mkdtempSync(join(tmpdir(), 'baton-test-config-'));

function mochaTier(name, args, prepare) {
  const summary = join(results, `${name}-summary.json`);
  rmSync(summary, { force: true });
  const setup = prepare?.() ?? 0;
  if (setup !== 0) return { passed: 0, failed: 1, pending: 0, note: 'its build step failed' };
  const env = { ...baseEnv, BATON_TEST_SUMMARY: summary, ...(cliTiers.has(name) ? { XDG_CONFIG_HOME: emptyConfigHome() } : {}) };
  const code = args[0] === 'mocha'
    ? run(['node_modules/mocha/bin/mocha.js', '--reporter', 'test/support/countingReporter.cjs', ...args.slice(1)], env)
    : run(args, env);
  if (!existsSync(summary)) return { passed: 0, failed: 1, pending: 0, note: `it exited ${code} before reporting any result` };
  const counts = JSON.parse(readFileSync(summary, 'utf8'));
  // A runner that failed after its tests (a crash in a hook, a hung teardown) still fails the run.
  if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `it exited ${code} after its tests passed` };
  return counts;
}

const runners = {
  typecheck: () => {
    const tsc = 'node_modules/typescript/bin/tsc';
    const ok = run([tsc, '-p', '.']) === 0 && run([tsc, '-p', 'webview-ui']) === 0;
    return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, pending: 0 };
  },
  unit: () => mochaTier('unit', ['mocha']),
  // The official suite runs on vitest, its own runner; its JSON report gives the counts.
  checkpointer: () => {
    const report = join(results, 'checkpoint-validation.json');
    rmSync(report, { force: true });
    const code = run(['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/checkpoint-validation/vitest.config.mts', '--reporter=json', `--outputFile.json=${report}`]);
    if (!existsSync(report)) return { passed: 0, failed: 1, pending: 0, note: `vitest exited ${code} before reporting` };
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const counts = { passed: r.numPassedTests, failed: r.numFailedTests, pending: r.numPendingTests + (r.numTodoTests ?? 0) };
    return code !== 0 && counts.failed === 0 ? { ...counts, failed: 1, note: `vitest exited ${code}` } : counts;
  },
  package: () => mochaTier('package', ['mocha', '--config', 'test/package/.mocharc.json'], ensurePackaged),
  vscode: () => mochaTier('vscode', ['--import', 'tsx', 'test/vscode/runInCodeServer.ts'], () => run(['esbuild.mjs', '--tests'])),
  ui: () => mochaTier('ui', ['mocha', '--config', 'test/ui/.mocharc.json'], ensurePackaged),
};

const totals = { passed: 0, failed: 0, pending: 0 };
const lines = [];
for (const tier of tiers) {
  console.log(`\n=== ${tier} ===`);
  const t0 = Date.now();
  const c = runners[tier]();
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.pending += c.pending;
  lines.push(`${tier.padEnd(10)} ${c.passed} passed, ${c.failed} failed${c.pending ? `, ${c.pending} skipped` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)${c.note ? ` — ${c.note}` : ''}`);
}
console.log(`\n${lines.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.pending ? `, ${totals.pending} skipped` : ''}`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
