// What the resilience layer costs (issue 6's target: it adds under 1% to the engine benchmark's wall
// time). Every model call of a workflow goes through ModelGateway: the shared rate limiter, retry,
// circuit breaker and timeout policies (cockatiel), fallback selection and cost accounting. Measured
// in the same run against the same real @langchain/openai client calling the same fake server with
// no latency: gateway.chat() against the client's own invoke(), interleaved, so the difference is
// the layer's own work per call (an upper bound for the resilience policies alone, which are part of
// it). Then: that overhead times the calls on the engine benchmark's critical path, against its ideal
// wall time.
//
//   node --import tsx bench/resilience.ts [--write] [--calls 400]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { Pricing } from '../src/core/cost/pricing';
import { EventBus } from '../src/core/events/eventBus';
import { createChatModel } from '../src/core/models/chatModel';
import { ModelGateway } from '../src/core/models/modelGateway';
import { RateLimiter } from '../src/core/models/rateLimiter';
import { conversation, makeEngine } from '../test/support/engineHarness';
import { startFakeOpenAI } from '../test/support/fakeOpenAI';
import { makeRepo } from '../test/support/repoBuilder';
import { benchTeam, criticalPathCalls } from './support/engineScenario';
import { benchArgs, load, machine, report, runBench, summarize, table } from './support/report';

const calls = Number(benchArgs.option('--calls', '400'));
const engineScenario = { agents: 8, waves: 3, tasksPerWave: 8, callsPerTask: 10, latencyMs: 200 };
const targetPercent = 1;
const killTargetMs = 2000;

/**
 * The kill switch, measured: 8 agents at once, each either waiting on a model call that never
 * answers or running a command that would take 10 minutes; cancel() until run() has returned with
 * every agent stopped (requests aborted, process groups killed).
 */
async function killSwitch(tmp: string): Promise<number[]> {
  const times: number[] = [];
  const command = 'exec sleep 600';
  const tasks = Array.from({ length: 8 }, (_, i) => ({ id: `t${i + 1}`, title: `Task ${i + 1}`, description: 'work', capabilities: ['implement'], dependsOn: [], files: [], risks: [] }));
  const team = benchTeam({ ...engineScenario, agents: 8 });
  const plan = { rationale: 'eight at once', tasks };
  const routing = { assignments: tasks.map((t, i) => ({ taskId: t.id, agentId: team.agents[i]!.id, rationale: 'fits', confidence: 0.9 })) };
  for (let round = 0; round < 5; round++) {
    let started = 0;
    let allBusy!: () => void;
    const busy = new Promise<void>((resolve) => (allBusy = resolve));
    const server = await startFakeOpenAI({
      fallback: (req) => {
        const c = conversation(req);
        if (c.system.startsWith('Baton analyze')) return { json: plan };
        if (c.system.startsWith('Baton route')) return { json: routing };
        const agent = /^Baton agent coder-(\d+)/.exec(c.system)?.[1];
        if (agent && ++started === 8) allBusy();
        // Odd agents run the long command; even ones wait on a model call that never answers.
        if (agent && Number(agent) % 2) return { toolCalls: [{ name: 'run_command', args: { command } }] };
        return { fault: { kind: 'hang' } };
      },
    });
    try {
      const h = await makeEngine(makeRepo({ 'README.md': '# kill\n' }, tmp), server, { team, concurrency: 8, requestsPerMinute: 1_000_000, require: [], allowCommands: [command], predictConflicts: false });
      const id = await h.engine.start('eight agents at once');
      const running = h.engine.run(id);
      await busy;
      const t0 = performance.now();
      h.engine.cancel(id);
      const end = await running;
      times.push(performance.now() - t0);
      if (end.status !== 'cancelled') throw new Error(`the workflow ended ${end.status}, not cancelled`);
    } finally {
      await server.close();
    }
  }
  return times;
}

async function main(): Promise<number> {
  const before = load();
  const server = await startFakeOpenAI({ fallback: () => ({ text: 'Done: the change is in src/index.ts.' }) });
  try {
    const model = createChatModel({ baseUrl: server.baseUrl, apiKey: 'sk-bench', model: 'test-model' }, 'test-model', { timeoutMs: 60_000 });
    const bus = new EventBus();
    const gateway = new ModelGateway({
      bus, limiter: new RateLimiter(1_000_000), pricing: await Pricing.load({ 'test-model': { inputPerMillion: 1, outputPerMillion: 2 } }),
      defaultModel: 'test-model', createModel: () => model,
    });
    const messages = [new SystemMessage('Baton agent coder: implements changes.'), new HumanMessage('Your task t1: add a helper to src/index.ts')];
    const ctx = { workflowId: 'wf-bench', agentId: 'coder', taskId: 't1' };
    const raw = async () => { await model.invoke(messages); };
    const layered = async () => { await gateway.chat(ctx, messages); };
    const time = async (fn: () => Promise<void>) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    for (let i = 0; i < 50; i++) { await raw(); await layered(); }
    const rawMs: number[] = [];
    const layeredMs: number[] = [];
    // Interleaved, alternating which goes first, so drift in the machine's load hits both alike.
    for (let i = 0; i < calls; i++) {
      if (i % 2) { rawMs.push(await time(raw)); layeredMs.push(await time(layered)); } else { layeredMs.push(await time(layered)); rawMs.push(await time(raw)); }
    }
    const r = summarize(rawMs);
    const g = summarize(layeredMs);
    const perCall = Math.max(0, g.median - r.median);
    const pathCalls = criticalPathCalls(engineScenario);
    const idealMs = pathCalls * engineScenario.latencyMs;
    const percent = (100 * pathCalls * perCall) / idealMs;
    const ok = percent < targetPercent;
    const tmp = mkdtempSync(join(tmpdir(), 'baton-bench-kill-'));
    const kills = summarize(await killSwitch(tmp).finally(() => rmSync(tmp, { recursive: true, force: true })));
    const killOk = kills.max < killTargetMs;
    const section = `## Resilience: what the layer around every model call costs, and the kill switch

Run on ${new Date().toISOString().slice(0, 10)}: ${machine()}; 1-minute load average ${before} before, ${load()} after. Source: \`bench/resilience.ts\`.

**The workload.** The real @langchain/openai client against the fake OpenAI server (no latency, usage reported), ${calls} calls
each way, interleaved: the client's own \`invoke()\`, and \`ModelGateway.chat()\` around the same client (rate limiter, cockatiel
retry + circuit breaker + timeout, fallback selection, cost accounting and the \`cost.recorded\` event). The difference of the
medians is the layer's own work per call, an upper bound for the resilience policies alone.

${table(['measure', 'median ms', 'min – max ms'], [
  ['client invoke() alone (baseline)', r.median.toFixed(3), `${r.min.toFixed(3)} – ${r.max.toFixed(3)}`],
  ['through ModelGateway (resilience and costs)', g.median.toFixed(3), `${g.min.toFixed(3)} – ${g.max.toFixed(3)}`],
  ["the layer's own work per call", perCall.toFixed(3), ''],
])}

On the engine benchmark's critical path (${pathCalls} calls, ideal ${(idealMs / 1000).toFixed(1)} s) that adds ${(pathCalls * perCall).toFixed(1)} ms:
**${percent.toFixed(2)}%** of the wall time (target < ${targetPercent}%): **${ok ? 'PASS' : 'FAIL'}**. The ratio of the medians is
${(g.median / r.median).toFixed(3)}× a bare call to a server that answers at once; against a real model's hundreds of ms it vanishes.

**The kill switch.** 8 agents at once on a real repository, four waiting on a model call that never answers and four running a
10-minute command (\`exec sleep 600\`); from \`engine.cancel()\` until \`run()\` has returned \`cancelled\` with every request
aborted and every process group killed, 5 times: median ${kills.median.toFixed(0)} ms, max ${kills.max.toFixed(0)} ms (target: every agent
stopped within ${killTargetMs} ms): **${killOk ? 'PASS' : 'FAIL'}**.
`;
    return report('resilience', section, `the resilience layer adds ${perCall.toFixed(3)} ms a call, ${percent.toFixed(2)}% of the engine benchmark (target < ${targetPercent}%); cancel stopped 8 agents in ${kills.median.toFixed(0)} ms (max ${kills.max.toFixed(0)} ms)`, ok && killOk);
  } finally {
    await server.close();
  }
}

runBench(main);
