import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BatonEvent } from '../../core/events/events';
import { isTerminalEvent } from '../../core/events/events';
import { ApiError } from './httpIo';
import type { WorkflowTracker } from './workflowTracker';

export interface EventStreamOptions {
  workflowId: string;
  /** Events with this seq or lower were seen already (Last-Event-ID or ?after=). */
  after: number;
  tracker: WorkflowTracker;
  /** The store says the workflow has ended and this server is not running it. */
  ended: boolean;
  heartbeatMs: number;
  /** A client this far behind is cut off; it can reconnect with Last-Event-ID. */
  maxBufferedBytes: number;
  /** Registers the stream so the server can end it when it stops; returns the unregister function. */
  register: (end: () => void) => () => void;
}

/** The resume point: Last-Event-ID (what EventSource sends on reconnect) wins over ?after=. */
export function resumePoint(req: IncomingMessage, url: URL): number {
  const raw = req.headers['last-event-id'] ?? url.searchParams.get('after') ?? '0';
  const value = Array.isArray(raw) ? raw[0]! : raw;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new ApiError(400, 'invalid_request', `The resume point must be an event seq, a whole number >= 0 (got "${value}").`, { field: 'Last-Event-ID' });
  }
  return n;
}

function frame(e: BatonEvent): string {
  return `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

/**
 * Server-sent events for one workflow: the kept events after the resume point, then live ones. The
 * stream ends after a terminal event (workflow.completed, failed or cancelled), so a script reading
 * it sees the end of the workflow as the end of the stream; a workflow waiting for an approval keeps
 * its stream open. Reconnecting after the end gets 204, which also stops EventSource retrying.
 */
export function streamEvents(res: ServerResponse, o: EventStreamOptions): void {
  // Replay and subscription happen in one synchronous step, so no event falls between them.
  const replay = o.tracker.eventsAfter(o.workflowId, o.after);
  const last = o.tracker.lastEvent(o.workflowId);
  const ended = (last !== undefined && isTerminalEvent(last)) || o.ended;
  if (ended && replay.length === 0) {
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  const oldest = o.tracker.oldestKept(o.workflowId);
  let out = 'retry: 3000\n\n';
  if (oldest !== undefined && oldest > o.after + 1) out += `: events ${o.after + 1} to ${oldest - 1} are no longer kept here; the audit log under .git/baton has them\n\n`;
  res.write(out + replay.map(frame).join(''));
  if (ended) {
    res.end();
    return;
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    subscription.dispose();
    clearInterval(heartbeat);
    unregister();
    if (!res.writableEnded) res.end();
  };
  const subscription = o.tracker.subscribe(o.workflowId, (event) => {
    if (closed) return;
    if (res.writableLength > o.maxBufferedBytes) {
      close();
      res.destroy();
      return;
    }
    res.write(frame(event));
    if (isTerminalEvent(event)) close();
  });
  const heartbeat = setInterval(() => void res.write(': heartbeat\n\n'), o.heartbeatMs);
  heartbeat.unref();
  const unregister = o.register(close);
  // The response's close, not the request's: a request emits 'close' once its (empty) body is read.
  res.on('close', close);
}
