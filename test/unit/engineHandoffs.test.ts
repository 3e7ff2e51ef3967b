import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { commitsOn, makeEngine, scriptedTeam, teamWith } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { git, makeRepo } from '../support/repoBuilder';

// Handoffs: an agent passes part of its work to another agent, who does it on its own branch.

const plan = { rationale: 'one task', tasks: [{ id: 't1', title: 'Add greet', description: 'src/greet.ts exports greet(name)', capabilities: ['implement'], dependsOn: [], files: ['src/greet.ts'], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'coder implements', confidence: 0.9 }] };
const handoff = (to: string, artifacts: string[]) => ({ name: 'handoff', args: { to, intent: 'write tests for greet', message: 'greet is in src/greet.ts; cover the empty name', artifacts } });
const coderHandingOff = (...handoffs: ReturnType<typeof handoff>[]): AgentScript => ({
  work: () => [{ name: 'write_file', args: { path: 'src/greet.ts', content: 'export const greet = (n: string) => `hi ${n}`;\n' } }, ...handoffs],
});
// As a receiver the tester writes a test; as a reviewer (another prompt) it only gives verdicts.
const tester: AgentScript = { work: (_t, _r, prompt) => (prompt.startsWith('Handoff from coder') ? [{ name: 'write_file', args: { path: 'test/greet.test.ts', content: '// greet tests\n' } }] : []) };
const hasBranch = (repo: string, branch: string) => git(repo, 'branch', '--list', branch) !== '';

describe('engine: handoffs', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('delivers a valid handoff: the receiver works and commits on its own branch', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder: coderHandingOff(handoff('tester', ['src/greet.ts'])), tester }) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add greet with tests');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    assert.deepEqual(h.of('handoff.sent').map((e) => [e.data.handoffId, e.data.from, e.data.to, e.data.artifacts]), [['t1-h1', 'coder', 'tester', ['src/greet.ts']]]);
    assert.deepEqual(h.of('handoff.accepted').map((e) => e.data.handoffId), ['t1-h1']);
    assert.equal(h.of('handoff.rejected').length, 0);
    assert.deepEqual(commitsOn(repo, `baton/${id}/tester`), ['write tests for greet (handoff t1-h1 from coder)', 'initial commit']);
    assert.equal(git(repo, 'show', '--name-only', '--format=', `baton/${id}/tester`), 'test/greet.test.ts');
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['Add greet (t1, round 1)', 'initial commit']);
    assert.match((await h.engine.status(id)).summary ?? '', /tester took over "write tests for greet"/);
  });

  it('refuses a handoff to an unknown agent or with a missing artifact, and nothing is committed for it', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder: coderHandingOff(handoff('wizard', []), handoff('tester', ['src/missing.ts'])), tester }) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add greet with tests');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    const rejected = h.of('handoff.rejected');
    assert.deepEqual(rejected.map((e) => e.data.to), ['wizard', 'tester']);
    assert.ok(rejected[0]!.data.problems.some((p) => p.includes('"wizard" is not in the team')), rejected[0]!.data.problems.join('; '));
    assert.ok(rejected[1]!.data.problems.some((p) => p.includes('artifact "src/missing.ts" does not exist')), rejected[1]!.data.problems.join('; '));
    assert.equal(h.of('handoff.accepted').length, 0);
    assert.ok(!hasBranch(repo, `baton/${id}/tester`), 'the tester never got a branch');
    assert.equal(h.of('agent.started').filter((e) => e.agent === 'tester').length, 0);
  });

  it('reverts a receiver that never finishes, keeping its abandoned work under refs/baton/trash', async () => {
    // Two steps: the coder writes and hands off, then finishes; the tester writes, then keeps looking around.
    const busyTester: AgentScript = { ...tester, next: () => ({ toolCalls: [{ name: 'list_files', args: {} }] }) };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder: coderHandingOff(handoff('tester', ['src/greet.ts'])), tester: busyTester }) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server, { team: teamWith({ limits: { maxSteps: 2 } }) });
    const id = await h.engine.start('add greet with tests');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    assert.deepEqual(h.of('handoff.accepted').map((e) => e.data.handoffId), ['t1-h1']);
    const rejected = h.of('handoff.rejected');
    assert.equal(rejected.length, 1);
    assert.match(rejected[0]!.data.reason, /failed and was reverted: Stopped after 2 steps/);
    assert.deepEqual(commitsOn(repo, `baton/${id}/tester`), ['initial commit'], 'nothing of the failed handoff stays on the branch');
    const trash = `refs/baton/trash/${id}/t1-h1`;
    assert.equal(git(repo, 'show', '--name-only', '--format=', trash), 'test/greet.test.ts', 'its work is kept aside');
    assert.equal(git(repo, '-C', `${repo}/.git/baton/worktrees/${id}/tester`, 'status', '--porcelain'), '', 'and its worktree is clean');
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['Add greet (t1, round 1)', 'initial commit'], 'the sender keeps its own work');
  });
});
