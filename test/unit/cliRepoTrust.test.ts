import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/program';
import { scriptedTeam } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI, ToolCallReply } from '../support/fakeOpenAI';
import { makeRepo } from '../support/repoBuilder';

// A cloned repository's .baton/agents.yaml can only ask, never grant: its check runs once the user trusted that
// content (and never instead of the user's own), its approvals only add to the user's, and an agent that rewrites
// it changes nothing for the workflow it works in. The real CLI, in process, with a config home of its own.

const plan = { rationale: 'one change', tasks: [{ id: 't1', title: 'Change the app', description: 'the change', capabilities: ['implement'], dependsOn: [], files: [], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 }] };

function io(env: NodeJS.ProcessEnv, cwd: string): CliIo & { out: string; err: string } {
  const r = { out: '', err: '', env, cwd, stdout: { write: (s: string) => (r.out += s) }, stderr: { write: (s: string) => (r.err += s) } };
  return r;
}

interface Line { type: string; workflowId: string; data: Record<string, unknown> }
const events = (out: string): Line[] => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);

/** The marker a check leaves in the worktree it runs in (the integration worktree, kept with --keep-worktrees). */
const ranThere = (repo: string, id: string, marker: string) => existsSync(join(repo, '.git', 'baton', 'integration', id, marker));

describe('baton and a repository\'s .baton/agents.yaml', () => {
  let fake: FakeOpenAI | undefined;
  afterEach(() => fake?.close());

  /** A model whose coder changes a new file each time (so every run has work to merge), then does `extra`. */
  async function model(extra: (n: number) => ToolCallReply[] = () => []): Promise<FakeOpenAI> {
    let n = 0;
    const coder: AgentScript = { work: () => [{ name: 'write_file', args: { path: `change-${++n}.txt`, content: `${n}\n` } }, ...extra(n)] };
    fake = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder }) });
    return fake;
  }

  function setup(server: FakeOpenAI, teamYaml: string, files: Record<string, string> = {}) {
    const repo = makeRepo({ 'README.md': '# app\n', '.baton/agents.yaml': teamYaml, ...files });
    const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'baton-config-')), BATON_BASE_URL: server.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: 'k' };
    const cli = async (expected: number, ...args: string[]) => {
      const t = io(env, repo);
      assert.equal(await runCli(args, t), expected, `baton ${args.join(' ')}\n${t.err}\n${t.out.slice(-2000)}`);
      return { ...t, id: /▶ (wf-\S+):/.exec(t.out)?.[1] ?? events(t.out)[0]?.workflowId ?? '' };
    };
    return { repo, env, cli };
  }

  it('runs the repository\'s check only once the user trusted it, and asks again when the command changes', async () => {
    const { repo, env, cli } = setup(await model(), 'check: { command: "touch repo-check-ran" }\n');
    const first = await cli(0, 'run', 'change the app', '--approve', 'auto', '--keep-worktrees');
    assert.match(first.out, /! \.baton\/agents\.yaml asks to run `touch repo-check-ran` as its check: not used, as you have not trusted it; this workflow runs with your own settings \(trust it with: baton trust, or run with --trust-repo-config\)/);
    assert.equal(ranThere(repo, first.id, 'repo-check-ran'), false, 'the untrusted check did not run');
    assert.doesNotMatch(first.out, /passed/);

    const trusted = await cli(0, 'trust', '--yes');
    assert.match(trusted.out, /asks Baton\n {2}to run `touch repo-check-ran` as its check, on the agents' merged work\n/);
    assert.match(trusted.out, /Trusted: runs use it\. Your answer is kept in .*\/baton\/trust\.json/);
    assert.ok(readFileSync(join(env.XDG_CONFIG_HOME, 'baton', 'trust.json'), 'utf8').includes(repo), 'kept in the user\'s settings area');
    assert.equal(existsSync(join(repo, '.baton', 'trust.json')), false);

    const second = await cli(0, 'run', 'change the app again', '--approve', 'auto', '--keep-worktrees');
    assert.ok(ranThere(repo, second.id, 'repo-check-ran'), 'the trusted check ran');
    assert.match(second.out, /`touch repo-check-ran` passed/);
    assert.doesNotMatch(second.out, /not used/);

    writeFileSync(join(repo, '.baton', 'agents.yaml'), 'check:\n  command: touch changed-check-ran\n');
    assert.match((await cli(0, 'trust', '--show')).out, /to run `touch changed-check-ran` as its check.*\nNot trusted: runs use your own settings only\. Trust it with: baton trust\n/);
    const third = await cli(0, 'run', 'change it once more', '--approve', 'auto', '--keep-worktrees');
    assert.match(third.out, /asks to run `touch changed-check-ran` as its check: not used, as you have not trusted it/);
    assert.equal(ranThere(repo, third.id, 'changed-check-ran'), false);
  });

  it('lets the user\'s own --check win over the repository\'s, trusted or not', async () => {
    const { repo, cli } = setup(await model(), 'check: { command: "touch repo-check-ran" }\n');
    await cli(0, 'trust', '--yes');
    const run = await cli(0, 'run', 'change the app', '--approve', 'auto', '--keep-worktrees', '--check', 'touch user-check-ran');
    assert.ok(ranThere(repo, run.id, 'user-check-ran'));
    assert.equal(ranThere(repo, run.id, 'repo-check-ran'), false);
    assert.match(run.out, /`touch user-check-ran` passed/);
  });

  it('--trust-repo-config trusts the requests for this run and remembers them; its commands are allowed', async () => {
    const server = await model(() => [{ name: 'run_command', args: { command: 'touch allowed-ran' } }]);
    const { repo, cli } = setup(server, 'commands: { allow: ["touch allowed-ran"] }\n');
    const untrusted = await cli(0, 'run', 'change the app', '--approve', 'auto', '--keep-worktrees', '--json');
    const ignored = events(untrusted.out).filter((e) => e.type === 'config.ignored');
    assert.deepEqual(ignored.map((e) => [e.data.commands, e.data.reason]), [[['touch allowed-ran'], 'untrusted']]);
    assert.ok(events(untrusted.out).some((e) => e.type === 'agent.tool_refused' && String(e.data.args).includes('touch allowed-ran')), 'not allowed while untrusted');

    const run = await cli(0, 'run', 'change the app again', '--approve', 'auto', '--keep-worktrees', '--json', '--trust-repo-config');
    assert.match(run.err, /trusted what \.baton\/agents\.yaml requests \(--trust-repo-config\); kept in .*trust\.json/);
    assert.ok(!events(run.out).some((e) => e.type === 'config.ignored' || e.type === 'agent.tool_refused'));
    assert.ok(events(run.out).some((e) => e.type === 'agent.tool_call' && e.data.tool === 'run_command' && e.data.ok === true));
    assert.ok(existsSync(join(repo, '.git', 'baton', 'worktrees', run.id, 'coder', 'allowed-ran')), 'the requested command ran unasked');
    assert.match((await cli(0, 'trust', '--show')).out, /\nTrusted \(\d{4}-\d\d-\d\dT[^)]+\): runs use it\.\n$/, 'remembered');
  });

  it('cannot switch off the user\'s approvals: approvals.require: [] still stops for a dependency change', async () => {
    const server = await model((n) => (n === 1 ? [{ name: 'write_file', args: { path: 'package.json', content: '{"dependencies":{"left-pad":"1.3.0"}}\n' } }] : []));
    const { env, cli } = setup(server, 'approvals: { require: [] }\n', { 'package.json': '{}\n' });
    Object.assign(env, { BATON_APPROVALS: 'dependencies' });
    const run = await cli(3, 'run', 'add left-pad', '--yes');
    assert.match(run.err, /is waiting for 1 approval\(s\):\n {2}t1-after-r1 \(dependencies\): Task t1 changes a dependency manifest: package\.json/);
  });

  it('may add an approval trigger to the user\'s', async () => {
    const server = await model((n) => (n === 1 ? [{ name: 'write_file', args: { path: 'Dockerfile', content: 'FROM node:24\n' } }] : []));
    const { env, cli } = setup(server, 'approvals: { require: [deployment] }\n');
    Object.assign(env, { BATON_APPROVALS: 'dependencies' });
    const run = await cli(3, 'run', 'add a Dockerfile', '--yes');
    assert.match(run.err, /t1-after-r1 \(deployment\): Task t1 changes deployment or CI files: Dockerfile/);
  });

  it('baton trust --show and --revoke say what is requested and forget the answer', async () => {
    const { repo, cli } = setup(await model(), 'check: { command: npm test }\ncommands: { allow: [make, "npm run lint"] }\n');
    const shown = await cli(0, 'trust', '--show', '--json');
    const status = JSON.parse(shown.out) as Record<string, unknown>;
    assert.deepEqual([status.state, status.requests, status.repoRoot], ['undecided', { check: 'npm test', commands: ['make', 'npm run lint'] }, repo]);
    assert.match(String(status.sha256), /^[0-9a-f]{64}$/);
    await cli(2, 'trust');
    await cli(0, 'trust', '--yes');
    assert.equal(JSON.parse((await cli(0, 'trust', '--show', '--json')).out).state, 'trusted');
    assert.match((await cli(0, 'trust', '--revoke')).out, /^Forgot 1 answer\(s\) about .*: Baton asks again/);
    assert.equal(JSON.parse((await cli(0, 'trust', '--show', '--json')).out).state, 'undecided');
    assert.match((await cli(0, 'trust', '--revoke')).out, /^Nothing to forget/);
    assert.match((await cli(2, 'trust', '--show', '--revoke')).err, /Choose --show or --revoke, not both/);
  });

  it('an agent rewriting .baton/agents.yaml changes nothing for its own workflow, and the merged file must be trusted again', async () => {
    const rewritten = 'check: { command: "touch agent-check-ran" }\ncommands: { allow: ["touch agent-command-ran"] }\napprovals: { require: [] }\n';
    const server = await model((n) => (n === 1
      ? [{ name: 'write_file', args: { path: '.baton/agents.yaml', content: rewritten } }, { name: 'run_command', args: { command: 'touch agent-command-ran' } }]
      : []));
    const { repo, cli } = setup(server, 'check: { command: "touch trusted-check-ran" }\n');
    await cli(0, 'trust', '--yes');
    const run = await cli(0, 'run', 'change the app', '--approve', 'auto', '--keep-worktrees', '--json');
    const lines = events(run.out);
    assert.ok(lines.some((e) => e.type === 'approval.requested' && e.data.trigger === 'config'), 'a change to .baton/ is asked about (here answered by --approve auto)');
    assert.ok(lines.some((e) => e.type === 'agent.tool_refused' && String(e.data.args).includes('touch agent-command-ran')), 'the command it allowed itself is not allowed');
    assert.ok(ranThere(repo, run.id, 'trusted-check-ran'), 'the check the user trusted ran');
    assert.equal(ranThere(repo, run.id, 'agent-check-ran'), false, 'not the one the agent wrote');
    assert.equal(readFileSync(join(repo, '.baton', 'agents.yaml'), 'utf8'), rewritten, 'the agent\'s file landed with its work');

    assert.match((await cli(0, 'trust', '--show')).out, /to run `touch agent-check-ran` as its check.*\n {2}to let agents run without asking: `touch agent-command-ran`\nNot trusted/);
    const next = await cli(0, 'run', 'change the app again', '--approve', 'auto', '--keep-worktrees', '--json');
    const ignored = events(next.out).filter((e) => e.type === 'config.ignored');
    assert.deepEqual(ignored.map((e) => [e.data.check, e.data.commands]), [['touch agent-check-ran', ['touch agent-command-ran']]]);
    assert.equal(ranThere(repo, next.id, 'agent-check-ran'), false);
  });
});
