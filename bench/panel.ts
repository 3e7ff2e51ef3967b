// The agent panel with a thread of 10,000 entries (issue 7): first render time and memory, in
// Chromium, against two baselines measured in the same run: the empty panel (what any panel costs)
// and the same 10,000 entries rendered without virtualization (what the virtualized list saves).
// The panel is the real bundle (dist/webview.js), fed by the same `feed` message the host sends.
//
//   node --import tsx bench/panel.ts [--write] [--entries 10000] [--rounds 5]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/browser';
import { benchEntries, servePanel } from './support/panelPage';
import type { PanelKind } from './support/panelPage';
import { benchArgs, load, machine, report, runBench, summarize, table } from './support/report';

const root = resolve(import.meta.dirname, '..');
const count = Number(benchArgs.option('--entries', '10000'));
const rounds = Number(benchArgs.option('--rounds', '5'));

interface Sample { renderMs: number; heapMb: number; nodes: number }

/** First render as the page measures it (bench/support/panelPage.ts), then memory after a forced GC. */
async function measure(page: Page, entries: number): Promise<Sample> {
  const renderMs = await page.evaluate((n) => (globalThis as unknown as { batonBench: { measure(n: number): Promise<number> } }).batonBench.measure(n), entries);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  await cdp.detach();
  return { renderMs, heapMb: metric('JSHeapUsedSize') / 2 ** 20, nodes: metric('Nodes') };
}

async function main(): Promise<number> {
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
  const flatDir = mkdtempSync(join(tmpdir(), 'baton-bench-flat-'));
  await esbuild.build({
    entryPoints: { flat: join(root, 'bench', 'fixtures', 'panelFlat', 'main.tsx') }, outdir: flatDir, bundle: true, minify: true,
    platform: 'browser', format: 'iife', target: ['chrome120'], jsx: 'automatic', jsxImportSource: 'preact',
    tsconfig: join(root, 'webview-ui', 'tsconfig.json'), loader: { '.ttf': 'file' }, assetNames: '[name]', logLevel: 'warning',
  });
  const server = await servePanel({ dist: join(root, 'dist'), flat: flatDir, entries: benchEntries(count) });
  const browser = await launchChromium();
  const runs: Record<string, Sample[]> = { empty: [], virtual: [], flat: [] };
  const configs: [string, PanelKind, number][] = [['empty', 'panel', 0], ['virtual', 'panel', count], ['flat', 'flat', count]];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [name, kind, n] of configs) {
        const page = await browser.context.newPage();
        await page.goto(`${server.url}/${kind}.html`);
        runs[name]!.push(await measure(page, n));
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(flatDir, { recursive: true, force: true });
  }
  const med = (name: string, key: keyof Sample) => summarize(runs[name]!.map((s) => s[key])).median;
  const row = (label: string, name: string) => [label, med(name, 'renderMs').toFixed(0), med(name, 'heapMb').toFixed(1), med(name, 'nodes').toFixed(0)];
  const ratio = (a: string, b: string, key: keyof Sample) => (med(a, key) / med(b, key)).toFixed(2);
  const section = `## Agent panel: a thread of ${count.toLocaleString('en')} entries (\`bench/panel.ts\`)

The real panel bundle (\`dist/webview.js\`, production build) in headless Chromium, fed the \`feed\` message the
host sends: ${count.toLocaleString('en')} entries in one agent's thread (markdown messages, tool calls, steps, costs). First render: from
posting the message to two frames after the panel shows it. Memory: JS heap after a forced GC, and DOM nodes.
Median of ${rounds} rounds, a fresh page each. Baselines, in the same run: the **empty panel**, and the **same entries
without virtualization** (the panel's own \`Entry\` rows, all in the DOM).

${table(['panel', 'first render (ms)', 'JS heap (MB)', 'DOM nodes'], [
    row('empty panel (baseline)', 'empty'),
    row(`${count.toLocaleString('en')} entries, virtualized (Baton)`, 'virtual'),
    row(`${count.toLocaleString('en')} entries, not virtualized (baseline)`, 'flat'),
  ])}

| ratio | first render | JS heap | DOM nodes |
| --- | --- | --- | --- |
| Baton with ${count.toLocaleString('en')} entries / empty panel | ${ratio('virtual', 'empty', 'renderMs')} | ${ratio('virtual', 'empty', 'heapMb')} | ${ratio('virtual', 'empty', 'nodes')} |
| not virtualized / Baton | ${ratio('flat', 'virtual', 'renderMs')} | ${ratio('flat', 'virtual', 'heapMb')} | ${ratio('flat', 'virtual', 'nodes')} |

Targets, as ratios: Baton's DOM under 5% of the list not virtualized, and its first render faster. The timeline
draws a long run of one agent's tasks as one bar where they would touch on screen, so the charts stay small too.

Machine: ${machine()}; load ${load()}.`;
  // The targets are ratios against the list not virtualized: a DOM that stays small, and a faster first render.
  const domShare = med('virtual', 'nodes') / med('flat', 'nodes');
  const speedup = med('flat', 'renderMs') / med('virtual', 'renderMs');
  return report('panel', section, `${count} entries: ${(domShare * 100).toFixed(1)}% of the DOM nodes of the list not virtualized (target < 5%), first render ${speedup.toFixed(1)}x faster (target > 1)`, domShare < 0.05 && speedup > 1);
}

runBench(main);
