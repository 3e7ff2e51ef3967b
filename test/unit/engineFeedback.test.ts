import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI, Reply } from '../support/fakeOpenAI';
import { allText, commitsOn, makeEngine, requestsTo, scriptedTeam, teamWith } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';

// The review loop: a critique goes back to the author, who revises, until the reviewer approves or
// feedback.maxRounds is reached, and then a person decides.

const plan = { rationale: 'one function', tasks: [{ id: 't1', title: 'Add greet', description: 'src/greet.ts exports greet(name)', capabilities: ['implement'], dependsOn: [], files: ['src/greet.ts'], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'coder implements', confidence: 0.9 }] };
const critique = 'Handle an empty name: greet("") should say hello to nobody.';
// Each round writes something new, so each round is its own commit.
const coder = { work: (_t: string, round: number) => [{ name: 'write_file', args: { path: 'src/greet.ts', content: `// round ${round}\nexport const greet = (n: string) => n ? \`hi \${n}\` : 'hello nobody';\n` } }] };
const verdict = (changesUntil: number) => (_task: string, round: number, reviewer: string): Reply => ({
  json: reviewer === 'reviewer' && round <= changesUntil
    ? { verdict: 'request_changes', comments: critique, findings: [{ path: 'src/greet.ts', line: 1, severity: 'major', message: 'empty name not handled' }] }
    : { verdict: 'approve', comments: 'Looks good.', findings: [] },
});

describe('engine: the feedback loop', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('sends the reviewer\'s critique to the author, who revises until it is approved', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder }, verdict(1)) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add greet');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    const coderTurns = requestsTo(server, 'Baton agent coder').filter((r) => r.messages.filter((m) => m.role === 'assistant').length === 0);
    assert.equal(coderTurns.length, 2, 'the coder started twice: round 1, then the revision');
    assert.ok(!allText(coderTurns[0]!).includes(critique));
    assert.ok(allText(coderTurns[1]!).includes(critique), 'the critique reached the author');
    assert.ok(allText(coderTurns[1]!).includes('[major] src/greet.ts:1 empty name not handled'), 'and so did the findings');
    assert.deepEqual(h.of('review.verdict').filter((e) => e.data.reviewer === 'reviewer').map((e) => [e.data.round, e.data.verdict]), [[1, 'request_changes'], [2, 'approve']]);
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['Add greet (t1, round 2)', 'Add greet (t1, round 1)', 'initial commit']);
    assert.equal(h.of('approval.requested').length, 0);
  });

  it('stops at feedback.maxRounds when the review never converges, and asks a person', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder }, verdict(Infinity)) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server, { team: teamWith({ feedback: { maxRounds: 2 } }) });
    const id = await h.engine.start('add greet');
    const first = await h.engine.run(id);
    assert.ok(first.status === 'waiting', JSON.stringify(first));
    // The code's trigger for a review that did not converge: no manifest was touched, the doubt is about quality.
    assert.deepEqual(first.approvals.map((a) => [a.taskId, a.trigger]), [['t1', 'lowConfidence']]);
    assert.match(first.approvals[0]!.reason, /still had changes requested after 2 round\(s\): Handle an empty name/);
    assert.equal(h.of('review.verdict').filter((e) => e.data.reviewer === 'reviewer').length, 2, 'exactly maxRounds reviews');
    assert.equal(commitsOn(repo, `baton/${id}/coder`).length, 3);

    await h.engine.decide(id, undefined, 'approve', 'good enough');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.equal(h.of('review.verdict').filter((e) => e.data.reviewer === 'reviewer').length, 2, 'no more rounds after the person decided');
  });
});
