import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { git, makeRepo } from '../support/repoBuilder';

const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');

interface Result { code: number; stdout: string; stderr: string }

// Asynchronous on purpose: the fake model endpoint answers from this very process.
function baton(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const plan = { rationale: 'two steps', tasks: [
  { id: 't1', title: 'Add greet', description: 'src/greet.js', capabilities: ['implement'], dependsOn: [], files: ['src/greet.js'], risks: [] },
  { id: 't2', title: 'Add a dependency', description: 'package.json', capabilities: ['implement'], dependsOn: ['t1'], files: ['package.json'], risks: [] },
] };
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 },
  { taskId: 't2', agentId: 'coder', rationale: 'owns the manifest', confidence: 1 },
] };
const script = scriptedTeam(plan, routing, {
  coder: { work: (t) => [{ name: 'write_file', args: t === 't1' ? { path: 'src/greet.js', content: 'export const greet = 1;\n' } : { path: 'package.json', content: '{"name":"x"}\n' } }] },
});

describe('baton run / status / list / approve / reject / resume (dist/cli.js against a local endpoint)', () => {
  let server: FakeOpenAI;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    server = await startFakeOpenAI({ fallback: script });
    env = { ...process.env, BATON_BASE_URL: server.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: 'sk-test-secret-123', OPENAI_API_KEY: '' };
  });
  after(() => server.close());

  it('without a terminal, a step needing approval exits 3 and stays resumable; approve + resume completes it (exit 0)', async () => {
    const repo = makeRepo();
    const run = await baton(['run', 'add greet and a dependency'], repo, env);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /^Cost: estimated \d+k tokens; no price is known for test-model \(set baton\.model\.pricing, or 0 for a local model\), budget \$2\.00$/m, 'the estimate comes first');
    const id = /▶ (wf-\S+):/.exec(run.stdout)?.[1];
    assert.ok(id, run.stdout);
    assert.match(run.stderr, new RegExp(`baton approve ${id} <approvalId>`));
    assert.doesNotMatch(run.stdout + run.stderr, /sk-test-secret-123/, 'the API key is never printed');

    const status = await baton(['status', id!, '--json'], repo, env);
    const record = JSON.parse(status.stdout) as { status: string; pendingApprovals: { approvalId: string; trigger: string }[] };
    assert.equal(record.status, 'waiting');
    assert.deepEqual(record.pendingApprovals.map((p) => p.trigger), ['dependencies']);

    const list = await baton(['list'], repo, env);
    assert.match(list.stdout, new RegExp(`${id}\\s+waiting`));

    // Roll back to the first snapshot and go on: the agents redo the work from there.
    const rollback = await baton(['rollback', id!, '--to', '1'], repo, env);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stdout, /Rolled .* back to snapshot 1/);
    assert.equal(git(repo, 'rev-parse', `baton/${id}/coder`), git(repo, 'rev-parse', 'main'));
    assert.equal((await baton(['resume', id!], repo, env)).code, 3, 'waiting for the approval again');

    const approve = await baton(['approve', id!, record.pendingApprovals[0]!.approvalId], repo, env);
    assert.equal(approve.code, 0, approve.stderr);
    const resume = await baton(['resume', id!], repo, env);
    assert.equal(resume.code, 3, 'the agents are done: the merge into main waits for approval');
    assert.match(resume.stderr, /merge \(merge\): Merge the agents' work/);
    assert.deepEqual(git(repo, 'log', '--format=%s', 'main').split('\n'), ['initial commit'], 'the user\'s branch is untouched until then');
    assert.equal((await baton(['approve', id!, 'merge'], repo, env)).code, 0);
    const merged = await baton(['resume', id!], repo, env);
    assert.equal(merged.code, 0, merged.stdout + merged.stderr);
    assert.match(merged.stdout, /✔ completed: 2 task\(s\)/);
    assert.match(git(repo, 'log', '--format=%s', 'main'), /Add a dependency \(t2, round 1\)/, 'landed on main after approval');
    assert.equal(git(repo, 'branch', '--list', `baton/${id}/*`), '', 'the agent branches are cleaned up');

    // The other rollback levels: what there is to go back to, then one step run again.
    const listed = await baton(['rollback', id!, '--list'], repo, env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^snapshot 1 {2}before wave 1: t1, t2$/m);
    assert.match(listed.stdout, /^checkpoint \S+ {2}step \d+, next: .*; finished: t1, t2$/m);
    const both = await baton(['rollback', id!, '--to', '1', '--restart'], repo, env);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /Choose one of --to, --checkpoint, --task and --restart/);
    const retry = await baton(['rollback', id!, '--task', 't2'], repo, env);
    assert.equal(retry.code, 0, retry.stderr);
    assert.match(retry.stdout, /Rolled .* back before t2, which will run again/);
    assert.equal(git(repo, 'rev-parse', `baton/${id}/coder`), git(repo, 'rev-parse', `refs/baton/trash/${id}/ended/coder~1`), 'the removed branch is back, where t2 started');
    assert.equal((await baton(['resume', id!], repo, env)).code, 3, 'the retried t2 changes package.json again: approval again');
  });

  it('--json prints one event envelope a line; reject ends the step and the workflow stops cleanly', async () => {
    const repo = makeRepo();
    const run = await baton(['run', 'add greet and a dependency', '--json'], repo, env);
    assert.equal(run.code, 3);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { v: number; seq: number; ts: string; workflowId: string; type: string; data: unknown });
    assert.ok(events.every((e, i) => e.v === 1 && e.seq === i + 1 && !Number.isNaN(Date.parse(e.ts)) && typeof e.data === 'object'), 'envelopes in order');
    assert.equal(events[0]?.type, 'workflow.started');
    assert.ok(events.some((e) => e.type === 'approval.requested'));
    const id = events[0]!.workflowId;
    const reject = await baton(['reject', id, '--reason', 'no new dependencies'], repo, env);
    assert.equal(reject.code, 0, reject.stderr);
    const resume = await baton(['resume', id, '--json'], repo, env);
    const after = resume.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
    assert.ok(after.some((e) => e.type === 'approval.resolved' && e.data.decision === 'reject' && e.data.reason === 'no new dependencies'));
    // t1's work is still there to merge: that waits for its own approval, here rejected too.
    assert.ok(after.some((e) => e.type === 'approval.requested' && e.data.trigger === 'merge'), 'the merge is asked');
    assert.equal(resume.code, 3);
    // A new process continues the workflow's numbering from its audit log.
    const resumed = resume.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
    assert.ok(resumed[0]! > events.at(-1)!.seq, `resumed seq ${resumed[0]} after ${events.at(-1)!.seq}`);
    assert.equal((await baton(['reject', id, 'merge', '--reason', 'not now'], repo, env)).code, 0);
    const last = await baton(['resume', id, '--json'], repo, env);
    assert.equal(last.code, 0, last.stderr);
    assert.equal((JSON.parse(last.stdout.trim().split('\n').at(-1)!) as { type: string }).type, 'workflow.completed');
    assert.deepEqual(git(repo, 'log', '--format=%s', 'main').split('\n'), ['initial commit'], 'a rejected merge leaves main alone');
    assert.match(git(repo, 'log', '--format=%s', `baton/${id}/integration`), /Add greet/, 'the result stays on its integration branch');
  });

  it('--approve auto decides by policy; the retrospective\'s lessons reach the next workflow\'s plan', async () => {
    const repo = makeRepo();
    const run = await baton(['run', 'add greet and a dependency', '--approve', 'auto'], repo, env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /approval t2-after-r1: approve \(by policy\)/);
    server.clear();
    const again = await baton(['run', 'add greet and a dependency', '--approve', 'auto'], repo, env);
    assert.equal(again.code, 0, again.stderr);
    const analyze = server.chatRequests.find((r) => JSON.stringify(r.body.messages[0]).includes('Baton analyze'));
    assert.match(JSON.stringify(analyze?.body.messages[0]), /Lessons from earlier workflows on this repository: keep tasks small/);
  });

  it('Ctrl-C stops the agents and exits 130; resume goes on from the checkpoint', async () => {
    const slow = await startFakeOpenAI({ fallback: script, latencyMs: 150 });
    try {
      const repo = makeRepo();
      const slowEnv = { ...env, BATON_BASE_URL: slow.baseUrl };
      const child = spawn(process.execPath, [cli, 'run', 'add greet and a dependency', '--json'], { cwd: repo, env: slowEnv });
      let out = '';
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      await new Promise<void>((started) => child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"agent.started"')) started();
      }));
      child.kill('SIGINT');
      assert.equal(await exited, 130, out);
      assert.match(out, /"workflow\.cancelled"/);
      const id = (JSON.parse(out.split('\n')[0]!) as { workflowId: string }).workflowId;
      const resume = await baton(['resume', id, '--approve', 'auto'], repo, slowEnv);
      assert.equal(resume.code, 0, resume.stdout + resume.stderr);
      assert.match(resume.stdout, /✔ completed: 2 task\(s\)/);
    } finally {
      await slow.close();
    }
  });

  it('a spent budget pauses the workflow and exits 4 where it cannot ask', async () => {
    const repo = makeRepo();
    // gpt-4o is priced, so the plan's own model call already spends the tiny budget.
    const run = await baton(['run', 'add greet and a dependency', '--budget', '0.000001'], repo, { ...env, BATON_MODEL: 'gpt-4o' });
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stdout, /budget/);
    assert.match(run.stderr, /waiting for 1 approval\(s\):\n\s+budget-/);
    assert.match(run.stderr, /Only you raise a budget: go on with: baton resume wf-\S+ --budget USD/);
  });

  it('with the default model (gpt-4o-mini) and a tiny budget, --approve auto exits 4, paused, each call priced as published', async () => {
    const repo = makeRepo();
    const { BATON_MODEL: _model, ...withDefaultModel } = env;
    const run = await baton(['run', 'add greet and a dependency', '--approve', 'auto', '--budget', '0.000001', '--json'], repo, withDefaultModel);
    assert.equal(run.code, 4, run.stdout + run.stderr);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, number | string> });
    assert.equal(events[0]!.data.model, 'gpt-4o-mini');
    assert.ok(events.some((e) => e.type === 'budget.exceeded'));
    assert.deepEqual(events.filter((e) => e.type === 'workflow.paused').map((e) => e.data.reason), ['budget']);
    assert.ok(!events.some((e) => e.type === 'approval.resolved' || e.type === 'workflow.completed'), 'no policy answered the budget stop');
    const costs = events.filter((e) => e.type === 'cost.recorded');
    assert.ok(costs.length > 0);
    for (const c of costs) {
      // gpt-4o-mini: $0.15 per million prompt tokens, $0.60 per million completion tokens.
      const published = (Number(c.data.promptTokens) * 0.15 + Number(c.data.completionTokens) * 0.6) / 1_000_000;
      assert.ok(Number(c.data.usd) > 0, JSON.stringify(c.data));
      assert.ok(Math.abs(Number(c.data.usd) - published) < 1e-12, `${c.data.usd} is ${published}`);
    }
  });

  it('says what is wrong with bad input, with exit 2 and no stack trace', async () => {
    const repo = makeRepo();
    mkdirSync(join(repo, '.baton'));
    writeFileSync(join(repo, '.baton', 'agents.yaml'), 'agents:\n  - id: Coder One\n    role: writes code\n    capabilities: implement\n');
    const badTeam = await baton(['run', 'anything'], repo, env);
    assert.equal(badTeam.code, 2);
    assert.match(badTeam.stderr, /\.baton\/agents\.yaml:2:\d+: agents\[0\]\.id/);
    const notGit = await baton(['list'], '/', env);
    assert.equal(notGit.code, 2);
    assert.match(notGit.stderr, /is not inside a git repository/);
    const unknown = await baton(['status', 'wf-nope'], makeRepo(), env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no workflow "wf-nope".*baton list/);
    const badFlag = await baton(['run', 'x', '--mode', 'anarchy'], makeRepo(), env);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /--mode must be one of centralized, hierarchical, event-driven/);
    for (const r of [badTeam, notGit, unknown, badFlag]) assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('demo runs the whole flow with the scripted model, no key and no network', async () => {
    const r = await baton(['demo'], makeRepo(), { ...process.env, BATON_BASE_URL: 'http://127.0.0.1:9/v1', BATON_API_KEY: '', OPENAI_API_KEY: '' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SCRIPTED model/);
    assert.match(r.stdout, /reviewer → request_changes on t1 \(round 1\)/);
    assert.match(r.stdout, /approval needed \[t2-after-r1\] \(dependencies\)/);
    assert.match(r.stdout, /✔ completed: 4 task\(s\)/);
  });
});
