import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Disposable, EventBus } from '../events/eventBus';
import type { BatonEvent } from '../events/events';

/** The events a person should hear about when away from the editor: Baton waits for them, or gave up. */
const escalations = new Set<BatonEvent['type']>(['approval.requested', 'workflow.failed', 'budget.exceeded']);

export interface WebhookOptions {
  /** A slow receiver must not pile up requests; 10 s is generous for a chat webhook. */
  timeoutMs?: number;
}

/**
 * Posts approvals and escalations to a Slack-compatible webhook (`{"text": ...}`), e.g.
 * `baton.notifications.webhookUrl`. The text is built from the event's short fields only (ids,
 * reasons, counts), never file contents, and events are redacted by the bus before anyone sees
 * them, so no key reaches the receiver. A failed POST is reported to `onError`, never thrown: a
 * chat being down must not stop a workflow.
 */
export class WebhookNotifier implements Disposable {
  private readonly subscription: Disposable;
  private readonly timeoutMs: number;

  constructor(bus: EventBus, private readonly url: () => string | undefined, private readonly onError: (message: string) => void, options: WebhookOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.subscription = bus.on('*', (event) => {
      if (!escalations.has(event.type)) return;
      const url = this.url()?.trim();
      if (url) void this.post(url, webhookText(event));
    });
  }

  private async post(url: string, text: string): Promise<void> {
    if (!/^https?:\/\//i.test(url)) {
      this.onError(`Baton could not notify the webhook: "${url}" is not an http(s) URL. Fix baton.notifications.webhookUrl or clear it.`);
      return;
    }
    try {
      const status = await postJson(url, JSON.stringify({ text }), this.timeoutMs);
      if (status < 200 || status >= 300) this.onError(`Baton could not notify the webhook: it answered ${status}. Check baton.notifications.webhookUrl.`);
    } catch (error) {
      this.onError(`Baton could not notify the webhook (${error instanceof Error ? error.message : String(error)}). Check baton.notifications.webhookUrl; the workflow goes on.`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** One POST with its own timeout, on node:http(s): the same in the CLI and in any editor's extension host. */
function postJson(url: string, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.toLowerCase().startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One line a person reads in a chat channel, saying what happened and what to do. */
export function webhookText(e: BatonEvent): string {
  const wf = `workflow ${e.workflowId}`;
  switch (e.type) {
    case 'approval.requested': {
      const files = e.data.files?.length ? ` ${e.data.files.length} file(s) changed.` : '';
      const command = e.data.command ? ` Command: \`${e.data.command.slice(0, 200)}\`.` : '';
      return `Baton: ${wf} needs your approval (${e.data.trigger}): ${e.data.reason.slice(0, 500)}.${files}${command} Approve or reject it in VS Code's Baton panel or with \`baton approve ${e.workflowId}\` / \`baton reject ${e.workflowId}\`.`;
    }
    case 'workflow.failed':
      return `Baton: ${wf} failed: ${e.data.error.slice(0, 500)}. See \`baton status ${e.workflowId}\`.`;
    case 'budget.exceeded':
      return `Baton: ${wf} reached its budget ($${e.data.spentUsd.toFixed(2)} of $${e.data.budgetUsd.toFixed(2)}) and stopped spending. Raise the budget and resume it, or cancel it.`;
    default:
      return `Baton: ${wf}: ${e.type}`;
  }
}
