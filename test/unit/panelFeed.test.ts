import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogRecorder } from '../../src/core/events/auditLogRecorder';
import { EventBus } from '../../src/core/events/eventBus';
import type { BatonEvent } from '../../src/core/events/events';
import { readWorkflowHistory } from '../../src/core/events/workflowHistory';
import type { PanelNotifications } from '../../src/protocol/webview';
import { panelEntries } from '../../src/vscode/panel/panelEntries';
import { PanelFeed } from '../../src/vscode/panel/panelFeed';

type Feed = PanelNotifications['feed'];

/** A short workflow as the engine emits it: a coder works, a reviewer asks for changes, a handoff. */
function work(bus: EventBus, wf: string, from = 1): void {
  bus.emit(wf, 'agent.started', { taskId: `t${from}`, branch: `baton/${wf}/coder` }, 'coder');
  bus.emit(wf, 'agent.message', { taskId: `t${from}`, content: `I will **edit** \`src/a${from}.ts\`` }, 'coder');
  bus.emit(wf, 'agent.tool_call', { taskId: `t${from}`, tool: 'write_file', args: `src/a${from}.ts`, ok: true }, 'coder');
  bus.emit(wf, 'cost.recorded', { model: 'gpt-4o', promptTokens: 10, completionTokens: 5, usd: 0.01, estimated: false, taskId: `t${from}` }, 'coder');
  bus.emit(wf, 'handoff.sent', { handoffId: `h${from}`, from: 'coder', to: 'tester', intent: 'test it', message: 'please test' });
  bus.emit(wf, 'review.verdict', { taskId: `t${from}`, reviewer: 'reviewer', verdict: 'request_changes', round: 1, comments: 'Add a test.' }, 'reviewer');
  bus.emit(wf, 'agent.finished', { taskId: `t${from}`, summary: 'done', confidence: 0.8 }, 'coder');
}

describe('the panel feed (threads from the audit log, then live)', () => {
  let dir: string;
  let bus: EventBus;
  let recorder: AuditLogRecorder;
  const seen: BatonEvent[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-feed-'));
    bus = new EventBus();
    recorder = new AuditLogRecorder(bus, dir);
    seen.length = 0;
    bus.on('*', (e) => void seen.push(e));
  });
  afterEach(() => {
    recorder.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each agent its thread: messages, tool calls, handoffs in both threads, verdicts in the reviewer\'s and the author\'s', () => {
    work(bus, 'wf-1');
    const entries = panelEntries(seen);
    const of = (agent: string) => entries.filter((e) => e.agent === agent).map((e) => e.kind);
    assert.deepEqual(of('coder'), ['step', 'message', 'tool', 'cost', 'handoff', 'verdict', 'step']);
    assert.deepEqual(of('tester'), ['handoff']);
    assert.deepEqual(of('reviewer'), ['verdict']);
    const message = entries.find((e) => e.kind === 'message');
    assert.equal(message?.kind === 'message' && message.markdown, 'I will **edit** `src/a1.ts`');
  });

  it('reads a workflow that ran before (its audit log), then sends live events once each, in order', async () => {
    work(bus, 'wf-1', 1);
    const posted: Feed[] = [];
    let liveBatch: () => void = () => undefined;
    const liveSent = new Promise<void>((resolve) => (liveBatch = resolve));
    const feed = new PanelFeed({ onEvent: (l) => bus.on('*', l), history: (id) => readWorkflowHistory(dir, id) }, (f) => {
      posted.push(f);
      if (!f.reset) liveBatch();
    }, 0);
    const watching = feed.watch('wf-1');
    // Emitted while the history is being read: in the log and live both, sent once.
    work(bus, 'wf-1', 2);
    bus.emit('wf-2', 'agent.message', { taskId: 'x', content: 'another workflow' }, 'coder');
    await watching;
    work(bus, 'wf-1', 3);
    await liveSent;
    feed.dispose();
    assert.equal(posted[0]?.reset, true);
    const sent = posted.flatMap((p) => p.entries);
    assert.deepEqual(sent, panelEntries(seen.filter((e) => e.workflowId === 'wf-1')), 'every entry of wf-1 exactly once, in order, none of wf-2');
  });

  it('a workflow with no audit log yet has no history', async () => {
    assert.deepEqual(await readWorkflowHistory(dir, 'wf-none'), []);
  });
});
