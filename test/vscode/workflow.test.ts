import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { BatonApi } from '../../src/extension';
import type { WorkflowSummary } from '../../src/protocol/webview';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';

const plan = { rationale: 'one change, one manifest edit', tasks: [
  { id: 't1', title: 'Add a helper', description: 'src/helper.ts', capabilities: ['implement'], dependsOn: [], files: ['src/helper.ts'], risks: [] },
  { id: 't2', title: 'Add a script', description: 'package.json scripts', capabilities: ['implement'], dependsOn: ['t1'], files: ['package.json'], risks: [] },
] };
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 },
  { taskId: 't2', agentId: 'coder', rationale: 'owns the manifest', confidence: 1 },
] };

function until(api: BatonApi, id: string, statuses: WorkflowSummary['status'][]): Promise<WorkflowSummary> {
  return new Promise((resolve) => {
    const check = () => {
      const w = api.workflows().find((x) => x.id === id);
      if (w && statuses.includes(w.status)) {
        sub.dispose();
        resolve(w);
      }
    };
    const sub = api.onDidChangeWorkflows(check);
    check();
  });
}

/** Resolves once the workflow waits for an approval with this trigger (the agents' work done: 'merge'). */
function untilApproval(api: BatonApi, id: string, trigger: string): Promise<WorkflowSummary> {
  return new Promise((resolve) => {
    const check = () => {
      const w = api.workflows().find((x) => x.id === id);
      if (w?.status === 'waiting' && w.approvals?.some((a) => a.trigger === trigger)) {
        sub.dispose();
        resolve(w);
      }
    };
    const sub = api.onDidChangeWorkflows(check);
    check();
  });
}

describe('workflows from VS Code (the engine in the extension host)', () => {
  let server: FakeOpenAI;
  let api: BatonApi;
  const root = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

  before(async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: (t) => [{ name: 'write_file', args: t === 't1' ? { path: 'src/helper.ts', content: 'export const helper = 1;\n' } : { path: 'package.json', content: '{"scripts":{}}\n' } }] },
    }) });
    await vscode.workspace.getConfiguration('baton').update('model.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    // The fake endpoint has no rate limit; the default 60 requests a minute would only slow the tests.
    await vscode.workspace.getConfiguration('baton').update('rateLimit.requestsPerMinute', 100_000, vscode.ConfigurationTarget.Workspace);
    api = (await vscode.extensions.getExtension<BatonApi>('baton-dev.baton')!.activate());
  });
  after(async () => {
    await vscode.workspace.getConfiguration('baton').update('model.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('baton').update('rateLimit.requestsPerMinute', undefined, vscode.ConfigurationTarget.Workspace);
    await server.close();
  });

  it('"Baton: Start Workflow" runs agents on their own branches and stops at the risky step; approving finishes it', async () => {
    const before = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root(), encoding: 'utf8' }).trim();
    const id = await vscode.commands.executeCommand<string>('baton.startWorkflow', { task: 'add a helper and a script' });
    assert.match(id, /^wf-/);
    const waiting = await until(api, id, ['waiting', 'failed']);
    assert.equal(waiting.status, 'waiting', JSON.stringify(waiting));
    assert.ok(waiting.agents.some((a) => a.id === 'coder' && a.status === 'done'));
    const approvalsBefore = server.requests.length;
    await vscode.commands.executeCommand('baton.approve', { workflowId: id });
    // The agents are done: their merged work waits for its own approval before it lands on the user's branch.
    await untilApproval(api, id, 'merge');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root(), encoding: 'utf8' }).trim();
    assert.match(git('log', '--format=%s', `baton/${id}/integration`), /Add a script \(t2, round 1\)/);
    // Only the test's own workspace setting (.vscode/settings.json) differs from the commit.
    const changes = () => git('status', '--porcelain').split('\n').filter((l) => l && !l.endsWith('.vscode/'));
    assert.deepEqual(changes(), [], 'the user\'s working tree is untouched before the merge is approved');
    await vscode.commands.executeCommand('baton.approve', { workflowId: id });
    const done = await until(api, id, ['completed', 'failed']);
    assert.equal(done.status, 'completed');
    assert.ok(server.requests.length > approvalsBefore, 'the workflow went on after the approvals (its retrospective)');
    assert.match(git('log', '--format=%s', 'HEAD'), /Add a script \(t2, round 1\)/, 'landed on the user\'s branch');
    assert.deepEqual(changes(), [], 'and the working tree follows it cleanly');
    // The next tests start from the repository as it was, so their agents have something to change.
    git('reset', '--hard', '--quiet', before);
  });

  it('"Baton: Roll Back…" puts the agent branches and the workflow back at a snapshot; resuming goes on', async () => {
    const id = await vscode.commands.executeCommand<string>('baton.startWorkflow', { task: 'add a helper and a script, then roll back' });
    await until(api, id, ['waiting']);
    await vscode.commands.executeCommand('baton.rollback', { workflowId: id, snapshot: 1 });
    const paused = await until(api, id, ['paused']);
    assert.equal(paused.approvals, undefined, 'no approval pending any more');
    const head = execFileSync('git', ['rev-parse', `baton/${id}/coder`], { cwd: root(), encoding: 'utf8' }).trim();
    assert.equal(head, execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root(), encoding: 'utf8' }).trim(), 'the coder\'s branch is back at the base');
    await vscode.commands.executeCommand('baton.resume', { workflowId: id });
    await until(api, id, ['waiting']);
    await vscode.commands.executeCommand('baton.approve', { workflowId: id });
    await untilApproval(api, id, 'merge');
    await vscode.commands.executeCommand('baton.reject', { workflowId: id, reason: 'keep it on its branch' });
    assert.equal((await until(api, id, ['completed', 'failed'])).status, 'completed');
  });

  it('rejecting the approval ends the workflow cleanly, with the step not applied', async () => {
    const id = await vscode.commands.executeCommand<string>('baton.startWorkflow', { task: 'add a helper and a script, again' });
    await until(api, id, ['waiting']);
    await vscode.commands.executeCommand('baton.reject', { workflowId: id, reason: 'no manifest changes' });
    // t1's work is still there to merge; that is declined too, and the workflow ends.
    await untilApproval(api, id, 'merge');
    await vscode.commands.executeCommand('baton.reject', { workflowId: id, reason: 'not now' });
    const done = await until(api, id, ['completed', 'failed', 'cancelled']);
    assert.equal(done.status, 'completed');
    assert.doesNotMatch(execFileSync('git', ['log', '--format=%s', 'HEAD'], { cwd: root(), encoding: 'utf8' }), /\(t2, round 1\)/, 'the rejected step never reached the user\'s branch');
  });

  it('"Baton: Try the Demo" runs the scripted demo without a key', async () => {
    const id = await vscode.commands.executeCommand<string>('baton.tryDemo');
    const w = await until(api, id, ['waiting', 'completed', 'failed']);
    assert.notEqual(w.status, 'failed');
    assert.match(w.task, /farewell/);
  });
});
