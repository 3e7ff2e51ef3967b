// `npm run bench`: every benchmark under bench/ (bench/*.ts, each a script run with tsx) on a
// Node >= 22.13, provisioned like `npm test` does. Arguments go to every benchmark:
// `npm run bench -- --write` records the results in docs/benchmarks.md. Exits non-zero when any
// benchmark fails one of its targets or cannot run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureNode, envWithNode } from './tools.mjs';

const root = resolve(import.meta.dirname, '..');
const node = ensureNode();
const env = envWithNode(node);
const benches = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).sort();

const failed = [];
for (const bench of benches) {
  console.error(`\n=== bench/${bench} ===`);
  const r = spawnSync(node.bin, ['--import', 'tsx', join('bench', bench), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) failed.push(`bench/${bench} (exit ${r.status ?? r.signal})`);
}
if (failed.length) console.error(`\nfailed: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
