import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBus } from '../../src/core/events/eventBus';
import { WebhookNotifier } from '../../src/core/notify/webhookNotifier';

interface Receiver { url: string; server: Server; next(): Promise<{ body: unknown; type: string | undefined }> }

/** A local Slack-like receiver on 127.0.0.1 answering `status`; next() resolves with the next POST. */
async function receiver(status = 200): Promise<Receiver> {
  const waiting: ((r: { body: unknown; type: string | undefined }) => void)[] = [];
  const queue: { body: unknown; type: string | undefined }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      res.writeHead(status).end(status === 200 ? 'ok' : 'no');
      const got = { body: JSON.parse(text) as unknown, type: req.headers['content-type'] };
      const w = waiting.shift();
      if (w) w(got);
      else queue.push(got);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, server, next: () => new Promise((resolve) => { const q = queue.shift(); if (q) resolve(q); else waiting.push(resolve); }) };
}

describe('webhook notifications (Slack-compatible)', () => {
  const key = 'sk-test-0123456789abcdefghijklmnop';
  let bus: EventBus;
  beforeEach(() => (bus = new EventBus({ knownSecrets: () => [key] })));

  it('posts {"text"} for an approval, a failed workflow and a tripped budget, and nothing for routine events', async () => {
    const r = await receiver();
    const errors: string[] = [];
    const notifier = new WebhookNotifier(bus, () => r.url, (m) => errors.push(m));
    try {
      bus.emit('wf-1', 'agent.message', { taskId: 't1', content: 'routine' }, 'coder');
      bus.emit('wf-1', 'approval.requested', { approvalId: 'a1', trigger: 'dependencies', reason: `adds zod (key ${key})`, files: ['package.json', 'src/a.ts'] });
      const approval = await r.next();
      assert.equal(approval.type, 'application/json');
      const text = (approval.body as { text: string }).text;
      assert.deepEqual(Object.keys(approval.body as object), ['text']);
      assert.match(text, /wf-1 needs your approval \(dependencies\): adds zod/);
      assert.match(text, /2 file\(s\) changed/);
      assert.doesNotMatch(text, new RegExp(key), 'the API key never leaves');
      bus.emit('wf-1', 'workflow.failed', { error: 'the check failed' });
      assert.match((await r.next() as { body: { text: string } }).body.text, /wf-1 failed: the check failed/);
      bus.emit('wf-1', 'budget.exceeded', { spentUsd: 2.5, budgetUsd: 2 });
      assert.match((await r.next() as { body: { text: string } }).body.text, /reached its budget \(\$2\.50 of \$2\.00\)/);
      assert.deepEqual(errors, []);
    } finally {
      notifier.dispose();
      r.server.close();
    }
  });

  it('logs a failed POST (an error status, or nobody listening) and the workflow goes on', async () => {
    const r = await receiver(500);
    const errors: string[] = [];
    let reported: () => void = () => undefined;
    let url = r.url;
    const notifier = new WebhookNotifier(bus, () => url, (m) => { errors.push(m); reported(); });
    try {
      let next = new Promise<void>((resolve) => (reported = resolve));
      bus.emit('wf-1', 'workflow.failed', { error: 'boom' });
      await next;
      assert.match(errors[0] ?? '', /answered 500/);
      await new Promise<void>((resolve) => r.server.close(() => resolve()));
      next = new Promise<void>((resolve) => (reported = resolve));
      assert.doesNotThrow(() => bus.emit('wf-1', 'workflow.failed', { error: 'boom again' }));
      await next;
      assert.match(errors[1] ?? '', /could not notify the webhook \(.+\)\. Check baton\.notifications\.webhookUrl/);
      url = 'file:///etc/passwd';
      next = new Promise<void>((resolve) => (reported = resolve));
      bus.emit('wf-1', 'workflow.failed', { error: 'boom' });
      await next;
      assert.match(errors[2] ?? '', /not an http\(s\) URL/);
    } finally {
      notifier.dispose();
    }
  });

  it('posts nothing while no URL is set', () => {
    const notifier = new WebhookNotifier(bus, () => '', () => assert.fail('nothing to report'));
    bus.emit('wf-1', 'workflow.failed', { error: 'boom' });
    notifier.dispose();
  });
});
