import assert from 'node:assert/strict';
import { describeEstimate, estimateCost } from '../../src/core/cost/estimate';
import { Pricing } from '../../src/core/cost/pricing';
import { defaultTeamConfig } from '../../src/core/config/defaultTeam';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { makeEngine, scriptedTeam } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';

// The estimate shown before a run, against what the run then cost (the fake server reports usage
// like a real one; the harness prices test-model at $1 / $2 per million tokens).

interface Workload {
  name: string;
  task: string;
  tasks: { id: string; agent: string; dependsOn: string[]; turns: number; bytes: number }[];
}

const workloads: Workload[] = [
  {
    name: 'a feature with tests and docs',
    task: 'Add input validation to the signup form: email format, password length, and clear error messages',
    tasks: [
      { id: 't1', agent: 'coder', dependsOn: [], turns: 3, bytes: 900 },
      { id: 't2', agent: 'tester', dependsOn: ['t1'], turns: 2, bytes: 800 },
      { id: 't3', agent: 'documenter', dependsOn: ['t1'], turns: 1, bytes: 500 },
    ],
  },
  {
    name: 'a larger refactor',
    task: 'Split the payments module into a gateway client, a retry policy and a ledger, keeping the public API',
    tasks: [
      { id: 't1', agent: 'coder', dependsOn: [], turns: 5, bytes: 1200 },
      { id: 't2', agent: 'coder', dependsOn: ['t1'], turns: 4, bytes: 1000 },
      { id: 't3', agent: 'coder', dependsOn: ['t1'], turns: 4, bytes: 1000 },
      { id: 't4', agent: 'tester', dependsOn: ['t2', 't3'], turns: 3, bytes: 900 },
      { id: 't5', agent: 'documenter', dependsOn: ['t4'], turns: 2, bytes: 600 },
    ],
  },
];

function scriptFor(w: Workload) {
  const plan = { rationale: w.name, tasks: w.tasks.map((t) => ({ id: t.id, title: `Step ${t.id}`, description: `${w.name}: part ${t.id}`, capabilities: [{ coder: 'implement', tester: 'test', documenter: 'docs' }[t.agent] ?? 'implement'], dependsOn: t.dependsOn, files: [`src/${t.id}.ts`], risks: [] })) };
  const routing = { assignments: w.tasks.map((t) => ({ taskId: t.id, agentId: t.agent, rationale: `${t.agent} fits`, confidence: 0.9 })) };
  const byTask = new Map(w.tasks.map((t) => [t.id, t]));
  const writeTurn = (taskId: string, turn: number) => {
    const t = byTask.get(taskId)!;
    return { name: 'write_file', args: { path: `src/${taskId}/part${turn}.ts`, content: `// ${taskId} part ${turn}\n${'export const x = 1; // filler of a realistic size\n'.repeat(Math.ceil(t.bytes / 50))}` } };
  };
  const agent: AgentScript = {
    work: (taskId) => [writeTurn(taskId, 1)],
    next: (taskId, req) => {
      const done = req.messages.filter((m) => m.role === 'assistant').length;
      return done < byTask.get(taskId)!.turns ? { toolCalls: [writeTurn(taskId, done + 1)] } : undefined;
    },
  };
  return scriptedTeam(plan, routing, { coder: agent, tester: agent, documenter: agent });
}

describe('cost estimate before a run', () => {
  let server: FakeOpenAI | undefined;
  afterEach(() => server?.close());

  for (const w of workloads) {
    it(`lands within 2x of the measured cost: ${w.name}`, async () => {
      server = await startFakeOpenAI({ fallback: scriptFor(w) });
      const h = await makeEngine(makeRepo(), server);
      const estimate = await h.engine.estimate(w.task);
      assert.equal(estimate.basis, 'prompts');
      assert.ok(estimate.priced);
      assert.ok(estimate.lowUsd < estimate.usd && estimate.usd < estimate.highUsd, JSON.stringify(estimate));
      const id = await h.engine.start(w.task);
      const end = await h.engine.run(id);
      assert.equal(end.status, 'completed', JSON.stringify(end));
      const measured = (await h.engine.status(id)).costUsd;
      const ratio = estimate.usd / measured;
      assert.ok(ratio >= 0.5 && ratio <= 2, `estimated $${estimate.usd.toFixed(5)} against $${measured.toFixed(5)} measured: ${ratio.toFixed(2)}x`);
      assert.ok(estimate.lowUsd <= measured && measured <= estimate.highUsd, `the range ${estimate.lowUsd}-${estimate.highUsd} holds ${measured}`);
    });
  }

  it('takes the cost of earlier workflows here once there are three', async () => {
    const w = workloads[0]!;
    server = await startFakeOpenAI({ fallback: scriptFor(w) });
    const h = await makeEngine(makeRepo(), server);
    const costs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await h.engine.start(w.task);
      await h.engine.run(id);
      costs.push((await h.engine.status(id)).costUsd);
    }
    const estimate = await h.engine.estimate(w.task);
    assert.equal(estimate.basis, 'history');
    assert.equal(estimate.pastRuns, 3);
    assert.equal(estimate.usd, [...costs].sort((a, b) => a - b)[1]);
    assert.match(describeEstimate(estimate, 2), /^estimated \$0\.\d+ \(range \$\d\.\d+–\$\d\.\d+, \d+k tokens, from 3 earlier workflows\), budget \$2\.00$/);
  });

  it('says when a model has no known price instead of showing $0.00', async () => {
    const estimate = estimateCost({ task: 'do it', team: defaultTeamConfig(), model: 'my-local-llama', pricing: await Pricing.load() });
    assert.equal(estimate.priced, false);
    assert.deepEqual(estimate.unpricedModels, ['my-local-llama']);
    assert.match(describeEstimate(estimate, 2), /^estimated \d+k tokens; no price is known for my-local-llama \(set baton\.model\.pricing, or 0 for a local model\), budget \$2\.00$/);
    const free = estimateCost({ task: 'do it', team: defaultTeamConfig(), model: 'my-local-llama', pricing: await Pricing.load({ 'my-local-llama': { inputPerMillion: 0, outputPerMillion: 0 } }) });
    assert.equal(free.priced, true);
    assert.match(describeEstimate(free, 2), /^estimated \$0\.00 \(range/);
  });
});
