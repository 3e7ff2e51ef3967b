// The activation benchmark. Two parts:
//   1. Bundle sizes from the production build, and the targets on dist/extension.js (the bundle
//      activation loads): under 150 KB minified, and no LangGraph/LangChain/OpenAI module in it
//      (the engine is loaded on first use).
//   2. Activation time in the real VS Code (code-server + Chromium): Baton's .vsix and a baseline
//      extension doing the same VS Code work with none of Baton's code are installed together,
//      each is activated by opening its view, and VS Code's own figure is read from "Developer:
//      Show Running Extensions". Several fresh code-server starts; median, min, max and the ratio.
// Activation time is reported, never judged against a wall-clock threshold (see docs/benchmarks.md).
//
//   node --import tsx bench/activation.ts [--write] [--runs 7] [--skip-build]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureCodeServer, ensureNode, envWithNode } from '../scripts/tools.mjs';
import { launchChromium } from '../test/support/browser';
import type { Browser } from '../test/support/browser';
import { startCodeServer } from '../test/support/codeServer';
import { makeRepo } from '../test/support/repoBuilder';
import { openWorkbench } from '../test/support/workbench';
import { engineModule, kb, readBundles } from './support/bundleSizes';
import { load, machine, summarize, table, writeSection } from './support/report';
import type { Summary } from './support/report';
import { readAllRunningExtensions, runningExtensionsSettings, showRunningExtensions, waitForActivation, waitForQuietHost } from './support/runningExtensions';

const root = resolve(import.meta.dirname, '..');
const extensionBudgetBytes = 150 * 1024;
const argv = process.argv.slice(2);
const write = argv.includes('--write');
const skipBuild = argv.includes('--skip-build');
const runsArg = argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 7;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of runs, e.g. --runs 5');

const node = ensureNode();
const env = envWithNode(node);
const cleanups: (() => Promise<void> | void)[] = [];

interface Subject { key: 'baton' | 'baseline'; displayName: string; container: string }
const subjects: Subject[] = [
  { key: 'baton', displayName: 'Baton', container: 'Baton' },
  { key: 'baseline', displayName: 'Bench Baseline', container: 'Bench Baseline' },
];

function step(what: string, command: string, args: string[], cwd = root): void {
  console.error(`[bench] ${what}`);
  const r = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal})`);
}

function packageBaseline(outDir: string): string {
  const out = join(outDir, 'baseline.vsix');
  step('packaging the baseline extension', node.bin,
    [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
    join(root, 'bench/fixtures/baselineExtension'));
  return out;
}

/** One fresh code-server: both extensions activated, in the given order, once the host is quiet. */
async function measureOnce(browser: Browser, folder: string, vsix: string[], order: Subject[], shot?: string): Promise<Record<Subject['key'], number>> {
  const server = await startCodeServer({ workspace: folder, vsix, settings: runningExtensionsSettings });
  // On Ctrl-C too: code-server runs in its own process group, which the terminal's signal misses.
  const stopServer = () => server.stop();
  cleanups.unshift(stopServer);
  let page: Page | undefined;
  try {
    page = await browser.context.newPage();
    // The running-extensions list is virtual: a tall window keeps every row rendered.
    await page.setViewportSize({ width: 1400, height: 1600 });
    await openWorkbench(page, server.url, folder);
    await showRunningExtensions(page);
    await waitForQuietHost(page);
    const early = (await readAllRunningExtensions(page)).filter((e) => subjects.some((s) => s.displayName === e.name));
    if (early.length) throw new Error(`${early.map((e) => e.name).join(', ')} activated before the benchmark opened its view`);
    const result = { baton: 0, baseline: 0 };
    for (const subject of order) {
      await page.locator(`.activitybar [aria-label^="${subject.container}"]`).first().click();
      const running = await waitForActivation(page, subject.displayName);
      if (running.startup) throw new Error(`${subject.displayName} reports a start-up activation`);
      result[subject.key] = running.activationMs!;
      // Let the host settle (the view fills, the other extensions react) before the next one.
      await waitForQuietHost(page);
    }
    if (shot) {
      mkdirSync(dirname(shot), { recursive: true });
      await page.screenshot({ path: shot });
    }
    return result;
  } catch (e) {
    mkdirSync(join(root, 'test-results', 'bench'), { recursive: true });
    await page?.screenshot({ path: join(root, 'test-results', 'bench', 'failed.png') }).catch(() => undefined);
    throw e;
  } finally {
    await page?.close().catch(() => undefined);
    cleanups.splice(cleanups.indexOf(stopServer), 1);
    await server.stop();
  }
}

interface Results {
  bundles: ReturnType<typeof readBundles>;
  extensionBytes: number;
  engineInExtension: string[];
  baton: Summary;
  baseline: Summary;
  perRun: { baton: number; baseline: number }[];
  vscode: string;
  /** The 1-minute load average before and after the VS Code runs. */
  load: [number, number];
}

const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a (baseline 0 ms)');
const perRunRatio = (runs: { baton: number; baseline: number }[]): string => {
  const ratios = runs.filter((p) => p.baseline > 0).map((p) => p.baton / p.baseline);
  return ratios.length ? `${summarize(ratios).median.toFixed(2)}×` : 'n/a';
};
const pass = (ok: boolean): string => (ok ? '**PASS**' : '**FAIL**');

function markdown(r: Results): string {
  const sizeOk = r.extensionBytes < extensionBudgetBytes;
  const engineOk = r.engineInExtension.length === 0;
  const moduleCount = r.bundles.find((b) => b.path === 'dist/extension.js')?.modules.length ?? 0;
  return `## Activation and bundle size

Run on ${new Date().toISOString().slice(0, 10)}: ${machine()}; ${r.vscode}. Source: \`bench/activation.ts\`.

### Targets

${table(['target', 'measured', 'result'], [
  ['`dist/extension.js` (what activation loads) stays under 150 KB minified', `${kb(r.extensionBytes)} KB`, pass(sizeOk)],
  ['activation loads no LangGraph/LangChain/OpenAI code: no such module in `dist/extension.js`',
    engineOk ? `none of its ${moduleCount} modules` : r.engineInExtension.map((m) => `\`${m}\``).join(', '), pass(engineOk)],
])}

### Bundles (production build, minified)

${table(['bundle', 'bytes', 'KB', 'gzip -9 KB', 'modules'], r.bundles.map((b) => [`\`${b.path}\``, b.bytes, kb(b.bytes), kb(b.gzipBytes), b.modules.length]))}

### Activation time in VS Code

VS Code's own figure from **Developer: Show Running Extensions** (the extension host's code loading plus the
\`activate()\` call), read from the workbench after opening each extension's view, once the host had finished its
start-up activations. The baseline (\`bench/fixtures/baselineExtension\`) builds what Baton's \`activate()\` builds
(a log output channel, a tree view and its provider, a status bar item, a command) with none of Baton's code;
both are installed from a .vsix into the same code-server. ${r.perRun.length} fresh code-server starts, the
activation order alternating between runs; the machine's 1-minute load average was ${r.load[0]} before and ${r.load[1]} after
(other work on it spreads the figures: compare the ratio, not the milliseconds). \`--runs N\` changes the number of
starts, \`--skip-build\` reuses dist/ and the .vsix.

${table(['extension', 'median ms', 'min ms', 'max ms'], [
  ['Baton', r.baton.median, r.baton.min, r.baton.max],
  ['baseline', r.baseline.median, r.baseline.min, r.baseline.max],
])}

**Baton / baseline: ${ratio(r.baton.median, r.baseline.median)}** (ratio of the medians; the median of the per-run ratios is
${perRunRatio(r.perRun)}). VS Code shows whole milliseconds and the baseline takes only a few, so the ratio is coarse:
Baton's activation costs ${r.baton.median - r.baseline.median} ms more than the baseline's (medians).

Per run (Baton / baseline, ms): ${r.perRun.map((p) => `${p.baton} / ${p.baseline}`).join('; ')}.
`;
}

async function main(): Promise<number> {
  // 1. Bundles: the production build and Baton's .vsix (scripts/package.mjs builds both).
  if (!skipBuild) step('building production bundles and the .vsix (scripts/package.mjs)', node.bin, ['scripts/package.mjs']);
  const bundles = readBundles(root);
  const extension = bundles.find((b) => b.path === 'dist/extension.js');
  if (!extension) throw new Error('dist/meta.json lists no dist/extension.js: run `node esbuild.mjs --production`');
  const engineInExtension = extension.modules.filter((m) => engineModule.test(m));
  for (const b of bundles) console.error(`[bench] ${b.path.padEnd(20)} ${String(b.bytes).padStart(8)} B  ${kb(b.bytes).padStart(7)} KB  gzip ${kb(b.gzipBytes).padStart(6)} KB  ${b.modules.length} modules`);
  console.error(`[bench] ${extension.bytes < extensionBudgetBytes ? 'PASS' : 'FAIL'} dist/extension.js is ${kb(extension.bytes)} KB (target: under 150 KB)`);
  console.error(`[bench] ${engineInExtension.length ? 'FAIL' : 'PASS'} LangGraph/LangChain/OpenAI modules in dist/extension.js: ${engineInExtension.join(', ') || 'none'}`);

  // 2. Activation in VS Code.
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const batonVsix = join(root, `baton-${version}.vsix`);
  if (!existsSync(batonVsix)) throw new Error(`${batonVsix} is missing: run \`npm run package\` or drop --skip-build`);
  const tmp = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 }));
  const baselineVsix = packageBaseline(tmp);
  const codeServerPackage = join(dirname(ensureCodeServer(node)), '..', '..');
  const vscodeVersion = (JSON.parse(readFileSync(join(codeServerPackage, 'lib', 'vscode', 'package.json'), 'utf8')) as { version: string }).version;
  const codeServerVersion = (JSON.parse(readFileSync(join(codeServerPackage, 'package.json'), 'utf8')) as { version: string }).version;
  const folder = makeRepo({ 'README.md': '# sample project\n', 'src/app.ts': 'export const answer = 42;\n' }, tmp);
  const browser = await launchChromium();
  cleanups.unshift(() => browser.close());
  const perRun: { baton: number; baseline: number }[] = [];
  const loadBefore = load();
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? subjects : [...subjects].reverse();
    const t0 = Date.now();
    const shot = i === 0 ? join(root, 'test-results', 'bench', 'running-extensions.png') : undefined;
    const r = await measureOnce(browser, folder, [batonVsix, baselineVsix], order, shot);
    perRun.push(r);
    console.error(`[bench] run ${i + 1}/${runs} (${order[0]!.key} first): Baton ${r.baton} ms, baseline ${r.baseline} ms (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const results: Results = {
    bundles, extensionBytes: extension.bytes, engineInExtension, perRun,
    baton: summarize(perRun.map((r) => r.baton)),
    baseline: summarize(perRun.map((r) => r.baseline)),
    load: [loadBefore, load()],
    vscode: `code-server ${codeServerVersion} (VS Code ${vscodeVersion}) in headless Chromium`,
  };
  const section = markdown(results);
  console.log(section);
  if (write) {
    writeSection(join(root, 'docs', 'benchmarks.md'), 'activation', section);
    console.error('[bench] wrote docs/benchmarks.md');
  }
  return extension.bytes < extensionBudgetBytes && engineInExtension.length === 0 ? 0 : 1;
}

async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0)) await Promise.resolve().then(c).catch((e: unknown) => console.error(`[bench] cleanup: ${String(e)}`));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

main()
  .then(async (code) => { await cleanUp(); process.exit(code); })
  .catch(async (e: unknown) => {
    console.error(`[bench] ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    await cleanUp();
    process.exit(1);
  });
