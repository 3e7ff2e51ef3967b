import type { Disposable } from '../../core/events/eventBus';
import type { BatonEvent } from '../../core/events/events';
import type { PanelEntry } from '../../protocol/panelEntries';
import type { PanelNotifications } from '../../protocol/webview';
import { PanelEntryMapper, panelEntries } from './panelEntries';

export interface EventSource {
  /** Every event as it happens (WorkflowService.onDidEmit). */
  onEvent(listener: (e: BatonEvent) => void): Disposable;
  /** Every event so far, from the workflow's audit log. */
  history(workflowId: string): Promise<BatonEvent[]>;
}

interface Watch {
  workflowId: string;
  mapper: PanelEntryMapper;
  lastSeq: number;
  /** Live events that arrive while the history is read; undefined once it has been sent. */
  buffer: BatonEvent[] | undefined;
}

/**
 * Sends the panel one workflow's entries: its whole history from the audit log first (a workflow
 * that ran before the window opened has only that), then its live events. Events are numbered per
 * workflow, so those seen both in the log and live are sent once. Live entries are batched: an agent
 * at work emits bursts, and one message per event would flood the webview.
 */
export class PanelFeed implements Disposable {
  private watched: Watch | undefined;
  private pending: PanelEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: Disposable;

  constructor(private readonly source: EventSource, private readonly post: (feed: PanelNotifications['feed']) => void, private readonly batchMs = 50) {
    this.subscription = source.onEvent((e) => this.live(e));
  }

  async watch(workflowId: string): Promise<void> {
    this.flush();
    const w: Watch = { workflowId, mapper: new PanelEntryMapper(), lastSeq: 0, buffer: [] };
    this.watched = w;
    const history = await this.source.history(workflowId);
    if (this.watched !== w) return;
    const logged = history.at(-1)?.seq ?? 0;
    const events = [...history, ...(w.buffer ?? []).filter((e) => e.seq > logged)];
    w.buffer = undefined;
    w.lastSeq = events.at(-1)?.seq ?? 0;
    this.post({ workflowId, entries: panelEntries(events, w.mapper), reset: true });
  }

  private live(e: BatonEvent): void {
    const w = this.watched;
    if (!w || e.workflowId !== w.workflowId) return;
    if (w.buffer) {
      w.buffer.push(e);
      return;
    }
    if (e.seq <= w.lastSeq) return;
    w.lastSeq = e.seq;
    const entries = w.mapper.map(e);
    if (!entries.length) return;
    this.pending.push(...entries);
    this.timer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const w = this.watched;
    if (w && this.pending.length) this.post({ workflowId: w.workflowId, entries: this.pending, reset: false });
    this.pending = [];
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.watched = undefined;
  }
}
