import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/program';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { git, makeRepo } from '../support/repoBuilder';

// A budget is a hard cap: `baton run --approve auto` stops at it (exit 4) and no policy raises it; a plain
// `baton resume` goes on with the run's own settings (auto, here) and stops there again; only
// `baton resume --budget` (a person) raises it, and then the workflow goes on to land its work.

const plan = { rationale: 'two files', tasks: ['t1', 't2'].map((id, i) => ({ id, title: `Add ${id}`, description: `${id}.txt`, capabilities: ['implement'], dependsOn: i ? ['t1'] : [], files: [`${id}.txt`], risks: [] })) };
const routing = { assignments: plan.tasks.map((t) => ({ taskId: t.id, agentId: 'coder', rationale: 'writes files', confidence: 1 })) };

function io(env: NodeJS.ProcessEnv, cwd: string): CliIo & { out: string; err: string } {
  const r = { out: '', err: '', env, cwd, stdout: { write: (s: string) => (r.out += s) }, stderr: { write: (s: string) => (r.err += s) } };
  return r;
}

interface Line { type: string; workflowId: string; data: Record<string, unknown> }
const events = (out: string): Line[] => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

describe('baton run --approve auto and the budget', () => {
  let fake: FakeOpenAI | undefined;
  afterEach(() => fake?.close());

  it('stops at the budget with exit 4; plain resume keeps it stopped; resume --budget goes on to the end', async () => {
    fake = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder: { work: (t) => [{ name: 'write_file', args: { path: `${t}.txt`, content: `${t}\n` } }] } }) });
    const repo = makeRepo();
    // The price comes from the user's settings file, as `baton.model.pricing` would give it in VS Code.
    const home = mkdtempSync(join(tmpdir(), 'baton-config-'));
    mkdirSync(join(home, 'baton'));
    writeFileSync(join(home, 'baton', 'config.yaml'), 'model:\n  pricing:\n    test-model: { inputPerMillion: 1, outputPerMillion: 2 }\n');
    const env = { XDG_CONFIG_HOME: home, BATON_BASE_URL: fake.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: 'k' };

    const run = io(env, repo);
    assert.equal(await runCli(['run', 'add two files', '--approve', 'auto', '--budget', '0.000001', '--json'], run), 4, run.err);
    assert.match(run.err, /The estimate is above the budget/, 'said before any model call');
    const first = events(run.out);
    const id = first[0]!.workflowId;
    assert.ok(first.some((e) => e.type === 'budget.exceeded'));
    assert.deepEqual(first.filter((e) => e.type === 'workflow.paused').map((e) => e.data.reason), ['budget']);
    assert.ok(!first.some((e) => e.type === 'approval.resolved'), 'no policy answers a budget stop');
    assert.ok(!first.some((e) => e.type === 'workflow.completed'));
    const calls = fake.requests.length;

    const again = io(env, repo);
    assert.equal(await runCli(['resume', id], again), 4, again.err);
    assert.match(again.err, new RegExp(`Only you raise a budget: go on with: baton resume ${id} --budget USD`));
    assert.equal(fake.requests.length, calls, 'nothing was spent past the budget');

    const status = io(env, repo);
    assert.equal(await runCli(['status', id], status), 0);
    assert.match(status.out, new RegExp(`^${id}  paused  0/2 tasks done  \\$0\\.\\d+ of \\$0\\.000001`));

    const raised = io(env, repo);
    assert.equal(await runCli(['resume', id, '--budget', '5'], raised), 0, raised.err + raised.out);
    assert.match(raised.err, new RegExp(`the budget of ${id} is now \\$5\\.00`));
    assert.doesNotMatch(raised.err, /instead of/, 'the run\'s own settings, no flag changed them');
    assert.match(raised.out, /approval budget-\S+: approve, budget now \$5\.00/);
    assert.match(raised.out, /✔ completed: 2 task\(s\) done/);
    assert.match(raised.out, /Merged into main/, '--approve auto, kept with the workflow, approved the merge');
    assert.deepEqual(git(repo, 'ls-tree', '--name-only', 'main').split('\n').sort(), ['README.md', 't1.txt', 't2.txt'].sort());

    const list = io(env, repo);
    await runCli(['list'], list);
    assert.match(list.out, new RegExp(`^${id}  completed `, 'm'));
  });

  it('a policy never answers a budget stop in the terminal either: approve needs the new budget', async () => {
    fake = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder: { work: (t) => [{ name: 'write_file', args: { path: `${t}.txt`, content: `${t}\n` } }] } }) });
    const repo = makeRepo();
    const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'baton-config-')), BATON_BASE_URL: fake.baseUrl, BATON_MODEL: 'gpt-4o', BATON_API_KEY: 'k' };
    const run = io(env, repo);
    assert.equal(await runCli(['run', 'add two files', '--budget', '0.000001', '--yes'], run), 4, run.err);
    const approvalId = /^\s+(budget-\S+) \(budget\)/m.exec(run.err)?.[1];
    assert.ok(approvalId, run.err);
    const id = /▶ (wf-\S+):/.exec(run.out)![1]!;
    const bare = io(env, repo);
    assert.equal(await runCli(['approve', id, approvalId], bare), 2);
    assert.match(bare.err, /raises the budget of workflow .*: say to how much\. Give the new budget/);
    const given = io(env, repo);
    assert.equal(await runCli(['approve', id, approvalId, '--budget', '3'], given), 0, given.err);
    const status = io(env, repo);
    await runCli(['status', id, '--json'], status);
    assert.equal((JSON.parse(status.out) as { budgetUsd: number }).budgetUsd, 3);
  });
});
