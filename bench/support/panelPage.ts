// Serves the panel's bundle to Chromium outside VS Code for bench/panel.ts, with the part of the
// webview API the panel uses (acquireVsCodeApi) answered by the page itself: it plays the host's
// side of the protocol (state after `ready`, the feed when asked), nothing else.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { PanelEntry } from '../../src/protocol/panelEntries';
import type { PanelState } from '../../src/protocol/webview';

export type PanelKind = 'panel' | 'flat';

const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html', '.json': 'application/json' };

/** A thread as long as asked: markdown messages with code, tool calls, commits, costs, in one agent's thread. */
export function benchEntries(count: number): PanelEntry[] {
  const t0 = Date.UTC(2026, 10, 29, 10, 0, 0);
  const entries: PanelEntry[] = [];
  for (let i = 0; entries.length < count; i++) {
    const base = { seq: i + 1, ts: new Date(t0 + i * 1000).toISOString(), agent: 'coder' };
    const taskId = `t${Math.floor(i / 10) + 1}`;
    const k = i % 10;
    if (k === 0) entries.push({ ...base, kind: 'step', step: 'started', taskId, text: `Started ${taskId} on baton/wf-bench/coder` });
    else if (k === 8) entries.push({ ...base, kind: 'step', step: 'finished', taskId, text: `Finished ${taskId} (confidence 90%): done` });
    else if (k === 9) entries.push({ ...base, kind: 'cost', usd: 0.0012, model: 'gpt-4o' });
    else if (k % 3 === 0) entries.push({ ...base, kind: 'tool', taskId, tool: 'edit_file', args: `src/module${i}.ts`, ok: i % 7 !== 0, error: i % 7 === 0 ? 'old text not found' : undefined });
    else entries.push({ ...base, kind: 'message', role: 'assistant', taskId, markdown: `Step ${i}: I read **src/module${i}.ts** and will change \`parse()\`:\n\n\`\`\`ts\nexport function parse(s: string) {\n  return s.trim();\n}\n\`\`\`\n\n- keeps the API\n- adds a test` });
  }
  return entries;
}

const state: PanelState = {
  extensionVersion: 'bench', workspaceTrusted: true,
  workflows: [{ id: 'wf-bench', task: 'A long workflow', status: 'running', mode: 'centralized', costUsd: 1.2, budgetUsd: 5, agents: [{ id: 'coder', role: 'coder', status: 'working', costUsd: 1.2 }], startedAt: new Date(0).toISOString() }],
};

function page(kind: PanelKind): string {
  const script = kind === 'panel' ? 'dist/webview.js' : 'flat/flat.js';
  const css = kind === 'panel' ? 'dist/webview.css' : 'flat/flat.css';
  // The stand-in host: `ready` -> state; `watch` -> answered; batonBench.feed(n) posts the first n entries.
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/${css}"></head><body><div id="root"></div>
<script>
let watched; const ready = new Promise((r) => (watched = r));
const frame = () => new Promise((r) => requestAnimationFrame(r));
// First render: from posting the feed to two frames after the panel shows it (layout and paint in).
window.batonBench = { measure: async (n) => {
  await ready;
  const entries = n ? (await (await fetch('/entries.json')).json()).slice(0, n) : [];
  const t0 = performance.now();
  window.postMessage({ kind: 'notify', method: 'feed', params: { workflowId: 'wf-bench', entries, reset: true } }, '*');
  while (!document.querySelector('[data-entries="' + n + '"]')) await frame();
  await frame(); await frame();
  return performance.now() - t0;
} };
${kind === 'flat' ? 'watched();' : ''}
window.acquireVsCodeApi = () => ({
  postMessage(m) {
    if (m.kind === 'ready') window.postMessage({ kind: 'notify', method: 'state', params: ${JSON.stringify(state)} }, '*');
    if (m.kind === 'request') { window.postMessage({ kind: 'response', id: m.id, ok: true, result: undefined }, '*'); if (m.method === 'watch') watched(); }
  },
  getState() { return undefined; }, setState() {},
});
</script>
<script src="/${script}"></script></body></html>`;
}

export async function servePanel(options: { dist: string; flat: string; entries: PanelEntry[] }): Promise<{ url: string; close(): Promise<void> }> {
  const entriesJson = JSON.stringify(options.entries);
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    try {
      if (path === '/panel.html' || path === '/flat.html') return void res.writeHead(200, { 'content-type': types['.html'] }).end(page(path === '/panel.html' ? 'panel' : 'flat'));
      if (path === '/entries.json') return void res.writeHead(200, { 'content-type': types['.json'] }).end(entriesJson);
      const [, dir, ...rest] = path.split('/');
      const base = dir === 'dist' ? options.dist : dir === 'flat' ? options.flat : undefined;
      if (!base || rest.some((p) => p === '..')) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(join(base, ...rest)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
