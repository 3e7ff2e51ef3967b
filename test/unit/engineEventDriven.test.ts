import assert from 'node:assert/strict';
import type { AgentConfig } from '../../src/core/config/teamSchema';
import type { EventType } from '../../src/core/events/events';
import { reactionsAfterWave } from '../../src/core/graph/nodes/reactions';
import type { TaskResult } from '../../src/core/graph/state';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { allText, commitsOn, conversation, makeEngine, requestsTo, scriptedTeam, teamWith } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';

// Event-driven mode: agents subscribe to event types and react to what a wave produced, within
// limits.maxReactions, the budget, and once per agent along a chain of reactions.

const task = (id: string, files: string[]) => ({ id, title: `Task ${id}`, description: `do ${id}`, capabilities: ['implement'], dependsOn: [], files, risks: [] });
/** coder, tester and reviewer of the built-in team, subscribed as given (nobody else subscribes). */
function team(subscribes: Record<string, EventType[]>, limits: { maxReactions?: number } = {}) {
  const base = teamWith({ limits });
  const agents: AgentConfig[] = base.agents.filter((a) => ['coder', 'tester', 'reviewer'].includes(a.id)).map((a) => ({ ...a, subscribes: subscribes[a.id] ?? [] }));
  return { ...base, agents };
}
// Every task (reactions too) writes a file of its own, so every task commits.
const writer: AgentScript = { work: (t) => [{ name: 'write_file', args: { path: `work/${t}.txt`, content: `${t}\n` } }] };
const routeToCoder = (ids: string[]) => ({ assignments: ids.map((taskId) => ({ taskId, agentId: 'coder', rationale: 'coder', confidence: 0.9 })) });
const reactionsOf = (h: { of: (t: 'task.routed') => { data: { taskId: string; agentId: string; strategy: string } }[] }) =>
  h.of('task.routed').filter((e) => e.data.strategy === 'subscription').map((e) => `${e.data.taskId}:${e.data.agentId}`);

describe('engine: event-driven mode', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('the tester reacts to the coder\'s commit with a task of its own', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam({ rationale: 'one', tasks: [task('t1', ['src/a.ts'])] }, routeToCoder(['t1']), { coder: writer, tester: writer }) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server, { team: team({ tester: ['agent.committed'] }) });
    const id = await h.engine.start('add a', { mode: 'event-driven' });
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    assert.deepEqual(reactionsOf(h), ['t1-react-tester-1:tester']);
    const routed = h.of('task.routed').find((e) => e.data.strategy === 'subscription')!;
    assert.match(routed.data.rationale, /tester subscribes to agent\.committed, which coder produced on t1/);
    const prompt = requestsTo(server, 'Baton agent tester').map((r) => conversation(r).user).find((u) => u.startsWith('Your task t1-react-tester-1'))!;
    assert.match(prompt, /React to agent\.committed of t1: coder did t1/);
    // It ran after its source, on its own branch; its own commit triggers nobody (the tester is its author).
    const order = h.of('agent.started').map((e) => e.data.taskId);
    assert.deepEqual(order, ['t1', 't1-react-tester-1']);
    assert.match(commitsOn(repo, `baton/${id}/tester`)[0]!, /t1-react-tester-1, round 1/);
    assert.deepEqual((await h.engine.status(id)).progress, { done: 2, failed: 0, notRun: 0, total: 2 });
  });

  it('makes no more reactions than limits.maxReactions', async () => {
    const plan = { rationale: 'three', tasks: [task('t1', ['a']), task('t2', ['b']), task('t3', ['c'])] };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routeToCoder(['t1', 't2', 't3']), { coder: writer, tester: writer }) });
    const h = await makeEngine(makeRepo(), server, { team: team({ tester: ['agent.committed'] }, { maxReactions: 2 }) });
    const end = await h.engine.run(await h.engine.start('three things', { mode: 'event-driven' }));
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(reactionsOf(h), ['t1-react-tester-1:tester', 't2-react-tester-1:tester'], 'three commits, two reactions');
    assert.equal(h.of('agent.started').filter((e) => e.agent === 'tester').length, 2);
  });

  it('ends a circular subscription chain: each agent reacts once along it', async () => {
    // The coder and the tester both react to every commit, and every task commits.
    server = await startFakeOpenAI({ fallback: scriptedTeam({ rationale: 'one', tasks: [task('t1', ['src/a.ts'])] }, routeToCoder(['t1']), { coder: writer, tester: writer }) });
    const h = await makeEngine(makeRepo(), server, { team: team({ coder: ['agent.committed'], tester: ['agent.committed'] }) });
    const end = await h.engine.run(await h.engine.start('ping pong', { mode: 'event-driven' }));
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(reactionsOf(h), ['t1-react-tester-1:tester', 't1-react-tester-1-react-coder-1:coder']);
    const last = requestsTo(server, 'Baton agent coder').find((r) => conversation(r).user.startsWith('Your task t1-react-tester-1-react-coder-1'))!;
    assert.match(allText(last), /React to agent\.committed of t1-react-tester-1/);
    assert.equal(h.of('workflow.completed').length, 1);
  });

  it('does not react in centralized mode', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam({ rationale: 'one', tasks: [task('t1', ['src/a.ts'])] }, routeToCoder(['t1']), { coder: writer, tester: writer }) });
    const h = await makeEngine(makeRepo(), server, { team: team({ tester: ['agent.committed'] }) });
    const end = await h.engine.run(await h.engine.start('add a'));
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(reactionsOf(h), []);
  });
});

describe('event-driven reactions (derived from state)', () => {
  const done = (taskId: string, agentId: string, extra: Partial<TaskResult> = {}): TaskResult => ({ taskId, agentId, status: 'done', summary: `${agentId} did ${taskId}`, confidence: 0.9, changedFiles: [], rounds: 1, ...extra });
  const base = { plan: [task('t1', [])], results: { t1: done('t1', 'coder', { commit: 'abc1234', verdict: 'approve' }) }, observed: {}, chains: {}, reactions: 0 };
  const subs = team({ tester: ['agent.committed'], reviewer: ['agent.finished', 'review.verdict'] });

  it('offers each subscriber one reaction per source, naming the events it reacts to', () => {
    const { reactions, update } = reactionsAfterWave(base, subs, true);
    assert.deepEqual(reactions.map((r) => [r.task.id, r.task.description, r.task.dependsOn]), [
      ['t1-react-tester-1', 'React to agent.committed of t1: coder did t1', ['t1']],
      ['t1-react-reviewer-1', 'React to agent.finished, review.verdict of t1: coder did t1', ['t1']],
    ]);
    assert.equal(update.reactions, 2);
    assert.deepEqual(update.observed, { t1: true });
    assert.deepEqual(reactionsAfterWave({ ...base, observed: { t1: true } }, subs, true).reactions, [], 'a source is reacted to once');
  });

  it('makes none once the budget is spent, and none for a task still waiting for approval', () => {
    assert.deepEqual(reactionsAfterWave(base, subs, false).reactions, []);
    assert.deepEqual(reactionsAfterWave(base, subs, false).update.observed, { t1: true }, 'and does not come back to it later');
    const waiting = { ...base, results: { t1: { ...base.results.t1, status: 'needs-approval' as const } } };
    assert.deepEqual(reactionsAfterWave(waiting, subs, true), { update: {}, reactions: [] });
  });
});
