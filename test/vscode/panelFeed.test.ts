import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { BatonApi } from '../../src/extension';
import type { WorkflowSummary } from '../../src/protocol/webview';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';

const plan = { rationale: 'a helper and a dependency', tasks: [
  { id: 't1', title: 'Add a helper', description: 'src/helper.ts', capabilities: ['implement'], dependsOn: [], files: ['src/helper.ts'], risks: [] },
  { id: 't2', title: 'Add a dependency', description: 'package.json', capabilities: ['implement'], dependsOn: ['t1'], files: ['package.json'], risks: [] },
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

/** A Slack-like webhook receiver on 127.0.0.1: resolves each POST body in turn. */
async function webhookReceiver(): Promise<{ url: string; server: Server; posts: unknown[]; next(): Promise<unknown> }> {
  const posts: unknown[] = [];
  const waiting: ((b: unknown) => void)[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      res.writeHead(200).end('ok');
      const body: unknown = JSON.parse(text);
      posts.push(body);
      waiting.shift()?.(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/baton`;
  return { url, server, posts, next: () => new Promise((r) => (posts.length > waiting.length ? r(posts[waiting.length]) : waiting.push(r))) };
}

describe('the panel\'s threads and the webhook, from a real workflow in the extension host', () => {
  let model: FakeOpenAI;
  let api: BatonApi;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  const config = () => vscode.workspace.getConfiguration('baton');

  before(async () => {
    model = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: {
        work: (t) => [{ name: 'write_file', args: t === 't1' ? { path: 'src/helper.ts', content: 'export const helper = 1;\n' } : { path: 'package.json', content: '{"dependencies":{"zod":"^4"}}\n' } }],
        next: (t) => ({ text: `Wrote **${t}**: see \`src/helper.ts\`.`, toolCalls: [{ name: 'finish', args: { summary: `coder did ${t}`, confidence: 0.9 } }] }),
      },
    }) });
    hook = await webhookReceiver();
    await config().update('model.baseUrl', model.baseUrl, vscode.ConfigurationTarget.Global);
    await config().update('rateLimit.requestsPerMinute', 100_000, vscode.ConfigurationTarget.Workspace);
    await config().update('notifications.webhookUrl', hook.url, vscode.ConfigurationTarget.Global);
    api = (await vscode.extensions.getExtension<BatonApi>('baton-dev.baton')!.activate());
  });
  after(async () => {
    for (const key of ['model.baseUrl', 'notifications.webhookUrl']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await config().update('rateLimit.requestsPerMinute', undefined, vscode.ConfigurationTarget.Workspace);
    hook.server.close();
    await model.close();
  });

  let id: string | undefined;
  afterEach(async () => {
    // Not approved here (workflow.test.ts covers that): cancelled, so nothing of it runs on into the next suites.
    const w = api.workflows().find((x) => x.id === id);
    if (w && !['completed', 'failed', 'cancelled'].includes(w.status)) await vscode.commands.executeCommand('baton.cancel', { workflowId: id });
  });

  it('posts the approval to baton.notifications.webhookUrl as {"text"}, and the thread entries come from the audit log', async function () {
    this.timeout(120_000);
    id = await vscode.commands.executeCommand<string>('baton.startWorkflow', { task: 'add a helper and a dependency' });
    assert.ok(id, 'Start Workflow returned no workflow id (it showed an error)');
    const waiting = await until(api, id, ['waiting', 'failed', 'paused', 'completed', 'cancelled']);
    assert.equal(waiting.status, 'waiting', JSON.stringify(waiting));
    const posted = (await hook.next()) as { text?: string };
    assert.deepEqual(Object.keys(posted), ['text']);
    assert.match(posted.text ?? '', new RegExp(`${id} needs your approval \\(dependencies\\)`));
    assert.doesNotMatch(posted.text ?? '', /zod/, 'no file contents in the notification');

    const entries = await api.threadEntries(id);
    const coder = entries.filter((e) => e.agent === 'coder');
    assert.ok(coder.some((e) => e.kind === 'message' && e.markdown === 'Wrote **t1**: see `src/helper.ts`.'), 'the agent\'s message, as markdown');
    assert.ok(coder.some((e) => e.kind === 'tool' && e.tool === 'write_file' && e.args.includes('src/helper.ts')), 'its tool call');
    assert.ok(coder.some((e) => e.kind === 'step' && e.step === 'finished'), 'its finish');
    assert.ok(coder.some((e) => e.kind === 'verdict' && e.verdict === 'approve'), 'the review of its work shows in its thread');
    assert.ok(entries.some((e) => e.kind === 'cost'), 'costs for the chart');
    const seqs = entries.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in the order they happened');
  });
});
