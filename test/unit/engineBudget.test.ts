import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { makeEngine, scriptedTeam } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';

// The budget circuit breaker: a warning at 80%, and at 100% one pause through an interrupt (not a
// kill) that asks to raise the budget or stop. The harness prices test-model at $1 / $2 per million tokens.

const chain = ['t1', 't2', 't3', 't4', 't5', 't6'];
const plan = { rationale: 'a chain', tasks: chain.map((id, i) => ({ id, title: `Step ${id}`, description: `file ${id}`, capabilities: ['implement'], dependsOn: i ? [chain[i - 1]!] : [], files: [`src/${id}.ts`], risks: [] })) };
const routing = { assignments: chain.map((taskId) => ({ taskId, agentId: 'coder', rationale: 'codes', confidence: 0.9 })) };
const script = () => scriptedTeam(plan, routing, { coder: { work: (t) => [{ name: 'write_file', args: { path: `src/${t}.ts`, content: `export const ${t} = '${'x'.repeat(400)}';\n` } }] } });

describe('engine: the budget breaker', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  /** A budget the first steps of the chain use up, measured from a run without a limit. */
  async function budgetForHalf(): Promise<number> {
    server = await startFakeOpenAI({ fallback: script() });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('a chain of six', { budgetUsd: 100 });
    assert.equal((await h.engine.run(id)).status, 'completed');
    await server.close();
    return (await h.engine.status(id)).costUsd / 2;
  }

  it('warns once at 80%, pauses exactly once at 100%, and a rejection stops what was not started', async () => {
    const budget = await budgetForHalf();
    server = await startFakeOpenAI({ fallback: script() });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('a chain of six', { budgetUsd: budget });
    const first = await h.engine.run(id);
    assert.equal(first.status, 'paused', JSON.stringify(first));
    assert.ok(first.status === 'paused' && first.reason === 'budget');
    assert.deepEqual(first.approvals.map((a) => a.trigger), ['budget']);
    assert.equal(h.of('budget.warning').length, 1, 'one warning, at 80%');
    assert.equal(h.of('budget.exceeded').length, 1, 'one breaker trip');
    assert.deepEqual(h.of('workflow.paused').map((e) => e.data.reason), ['budget']);
    const started = h.of('agent.started').length;
    assert.ok(started > 0 && started < chain.length, `${started} of ${chain.length} tasks ran before the pause`);
    assert.ok(h.of('workflow.cancelled').length === 0, 'a pause, not a kill');

    await h.engine.decide(id, undefined, 'reject', 'stop here');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.equal(h.of('agent.started').length, started, 'nothing more ran');
    assert.equal(h.of('workflow.paused').length, 1, 'paused exactly once');
  });

  it('approving raises the budget, and the workflow goes on to the end', async () => {
    const budget = await budgetForHalf();
    server = await startFakeOpenAI({ fallback: script() });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('a chain of six', { budgetUsd: budget });
    assert.equal((await h.engine.run(id)).status, 'paused');
    await h.engine.decide(id, undefined, 'approve');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.equal(h.of('agent.started').length, chain.length);
    assert.equal(h.of('workflow.paused').length, 1, 'twice the budget is enough: no second pause');
  });
});
