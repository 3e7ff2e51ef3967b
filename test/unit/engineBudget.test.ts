import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { makeEngine, scriptedTeam } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';
import { Pricing } from '../../src/core/cost/pricing';
import { tokenBudgetFor } from '../../src/core/cost/tokenBudget';
import { BatonError } from '../../src/core/errors';

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

  it('warns once at 80%, pauses exactly once at 100%, and a person stopping it there takes out what was not started', async () => {
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
    const left = chain.length - started;
    assert.deepEqual((await h.engine.status(id)).progress, { done: started, failed: 0, notRun: left, total: chain.length });
    assert.ok(end.status === 'completed' && end.summary.startsWith(`${started} of 6 tasks done, ${left} taken out by you`), JSON.stringify(end));
  });

  it('a person raises the budget to the figure they give, never by a default, and the workflow goes on to the end', async () => {
    const budget = await budgetForHalf();
    server = await startFakeOpenAI({ fallback: script() });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('a chain of six', { budgetUsd: budget });
    const paused = await h.engine.run(id);
    assert.equal(paused.status, 'paused');
    const said = (pattern: RegExp) => (e: unknown) => e instanceof BatonError && e.kind === 'usage' && pattern.test(e.describe());
    await assert.rejects(h.engine.decide(id, undefined, 'approve'), said(/raises the budget of workflow .*: say to how much\. Give the new budget: baton resume .* --budget USD/));
    await assert.rejects(h.engine.decide(id, undefined, 'approve', undefined, { budgetUsd: paused.costUsd / 2 }), said(/already spent .* would stop it again at once/));
    const raised = budget * 3;
    await h.engine.decide(id, undefined, 'approve', undefined, { budgetUsd: raised });
    assert.equal((await h.engine.status(id)).budgetUsd, raised, 'the record holds the new budget at once');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.equal(h.of('agent.started').length, chain.length);
    assert.deepEqual(h.of('approval.resolved').map((e) => [e.data.decision, e.data.by, e.data.budgetUsd]), [['approve', 'user', raised]]);
    assert.equal(h.of('workflow.paused').length, 1, 'three times the budget is enough: no second pause');
  });

  it('--approve auto never raises a budget: the run stops there, paused, for a person', async () => {
    const budget = await budgetForHalf();
    server = await startFakeOpenAI({ fallback: script() });
    const h = await makeEngine(makeRepo(), server, { approvalMode: 'auto' });
    const id = await h.engine.start('a chain of six', { budgetUsd: budget });
    const first = await h.engine.run(id);
    assert.ok(first.status === 'paused' && first.reason === 'budget', JSON.stringify(first));
    assert.deepEqual(h.of('approval.resolved').filter((e) => e.data.approvalId.startsWith('budget')), [], 'no policy answered the budget stop');
    assert.equal((await h.engine.status(id)).budgetUsd, budget);
    assert.equal((await h.engine.status(id)).status, 'paused');
    // Running it again without a person's answer goes nowhere, and spends nothing.
    const calls = server.requests.length;
    assert.equal((await h.engine.run(id)).status, 'paused');
    assert.equal(server.requests.length, calls);
    // `baton resume --budget`: the person's figure, then it goes on to the end.
    await h.engine.setBudget(id, budget * 3);
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.equal(h.of('agent.started').length, chain.length);
  });

  it('a model with no known price is said once at the start, and the budget holds in tokens', async () => {
    server = await startFakeOpenAI({ fallback: script() });
    const h = await makeEngine(makeRepo(), server, { pricing: await Pricing.load({}) });
    const derived = await h.engine.start('a chain of six', { budgetUsd: 2 });
    assert.deepEqual(h.of('workflow.started').map((e) => [e.data.unpricedModels, e.data.budgetTokens]), [[['test-model'], tokenBudgetFor(2, await Pricing.load({}))]]);
    assert.ok((await h.engine.status(derived)).budgetTokens > 1_000_000, 'two dollars at gpt-4o-mini\'s price');

    const id = await h.engine.start('a chain of six', { budgetUsd: 2, budgetTokens: 3000 });
    const first = await h.engine.run(id);
    assert.ok(first.status === 'paused' && first.reason === 'budget', JSON.stringify(first));
    assert.equal(first.costUsd, 0, 'an unpriced model costs $0');
    const exceeded = h.of('budget.exceeded').filter((e) => e.workflowId === id);
    assert.equal(exceeded.length, 1);
    assert.equal(exceeded[0]!.data.budgetTokens, 3000);
    assert.ok(exceeded[0]!.data.spentTokens! >= 3000);
    assert.match(first.approvals[0]!.reason, /tokens of its 3,000-token budget \(a model it uses has no known price/);
    const started = h.of('agent.started').length;
    assert.ok(started < chain.length, `${started} tasks ran before the token budget stopped it`);
    // Doubling the dollar budget doubles the token budget.
    await h.engine.setBudget(id, 40);
    assert.equal((await h.engine.status(id)).budgetTokens, 60_000);
    assert.equal((await h.engine.run(id)).status, 'completed');
  });
});
