// What the sandbox costs every command an agent runs (decision 0023): `true` run the way Baton ran commands before
// (the shell, its own process group) against the same through bwrap, and through bwrap with a named host allowed
// (the proxy and socat start too). Interleaved, so load on the shared machine falls on all three alike; medians
// and the ratio are reported, with no wall-clock target.
//
//   node --import tsx bench/sandbox.ts [--write] [--runs 31]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandEnv } from '../src/core/agents/tools/commandEnv';
import { runProcess } from '../src/core/agents/tools/runProcess';
import type { ProcessOutcome } from '../src/core/agents/tools/runProcess';
import { runConfined } from '../src/core/sandbox/runConfined';
import { sandboxStatus } from '../src/core/sandbox/sandboxStatus';
import { makeRepo } from '../test/support/repoBuilder';
import { benchArgs, load, machine, report, runBench, summarize, table } from './support/report';

const runs = Number(benchArgs.option('--runs', '31'));

async function main(): Promise<number> {
  const status = await sandboxStatus();
  if (!status.available) throw new Error(`${status.problem} ${status.fix}`);
  const parent = mkdtempSync(join(tmpdir(), 'baton-bench-sandbox-'));
  const cwd = makeRepo({ 'README.md': '# bench\n' }, parent);
  const limits = { cwd, timeoutMs: 30_000, maxOutputBytes: 20_000, signal: new AbortController().signal };
  const variants: [string, () => Promise<ProcessOutcome>][] = [
    ['directly (shell, own process group)', () => runProcess('true', { ...limits, env: commandEnv(process.env) })],
    ['in the sandbox (bwrap)', () => runConfined('true', limits)],
    ['in the sandbox, one host allowed (proxy, socat)', () => runConfined('true', { ...limits, policy: { network: ['registry.npmjs.org'] } })],
  ];
  const times: number[][] = variants.map(() => []);
  const before = load();
  try {
    for (const [, run] of variants) await run(); // warm: the probe, the page cache
    for (let i = 0; i < runs; i++) {
      for (const [v, [name, run]] of variants.entries()) {
        const t0 = performance.now();
        const outcome = await run();
        times[v]!.push(performance.now() - t0);
        if (outcome.end !== 'exited' || outcome.exitCode !== 0) throw new Error(`${name}: ${outcome.end} ${outcome.exitCode} ${outcome.error ?? outcome.output}`);
      }
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
  const base = summarize(times[0]!).median;
  const rows = variants.map(([name], v) => {
    const s = summarize(times[v]!);
    return [name, s.median.toFixed(1), s.min.toFixed(1), s.max.toFixed(1), (s.median / base).toFixed(1)];
  });
  const section = `## Sandboxed commands

Run on ${new Date().toISOString().slice(0, 10)}: ${machine()}; ${status.version}; 1-minute load average ${before} before, ${load()} after. Source: \`bench/sandbox.ts\`.
\`true\` run ${runs} times each way, interleaved (ms, wall time of the whole run as the agent's tool waits for it).

${table(['how', 'median ms', 'min ms', 'max ms', 'x direct'], rows)}
`;
  return report('sandbox', section, `sandbox ${rows[1]![4]}x direct, ${rows[1]![1]} ms median`, true);
}

runBench(main);
