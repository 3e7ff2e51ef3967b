import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowMode } from '../../core/config/vocabulary';
import type { Engine } from '../../core/engine';
import { BatonError } from '../../core/errors';
import type { WorkflowRecord } from '../../core/workflowRecords';
import { BackgroundRuns } from './backgroundRuns';
import { resumePoint, streamEvents } from './eventStream';
import { ApiError, checkBearer, parseBody, readJson, sendError, sendJson, tokenDigest } from './httpIo';
import { decisionBody, idPattern, startWorkflowBody } from './requests';
import { workflowStatus } from './statusView';
import { WorkflowTracker } from './workflowTracker';
import type { TrackerLimits } from './workflowTracker';
import { processAlive } from '../../core/liveness';

export interface ApiServerOptions {
  engine: Engine;
  /** Only 127.0.0.1: the API runs workflows that change the repository, so it is never on the network. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token: string;
  heartbeatMs?: number;
  maxBodyBytes?: number;
  limits?: TrackerLimits;
  /** Where server-side problems go (a background run that threw, an internal error's stack). */
  log?: (line: string) => void;
  /** What a workflow started without them gets (the user's settings): its mode and budget. */
  defaults?: { mode?: WorkflowMode; budgetUsd?: number; budgetTokens?: number };
}

export interface ApiServer {
  url: string;
  port: number;
  /** Open event streams, for leak checks. */
  openStreams(): number;
  /** Workflows this server is running now. */
  running(): string[];
  /** Stops accepting, ends the event streams, cancels the running workflows (they stay resumable) and waits for them. */
  close(): Promise<void>;
}

export const minTokenLength = 16;
const loopback = '127.0.0.1';
const loopbackNames = new Set([loopback, 'localhost', '[::1]']);

/** `baton serve`'s HTTP API (DESIGN.md §2). Four routes, so plain node:http; every request needs the bearer token. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? loopback;
  if (host !== loopback) throw new BatonError(`The Baton API only listens on ${loopback}, not "${host}".`, 'Reach it from elsewhere through an SSH tunnel or a reverse proxy that adds its own authentication.', 'usage');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new BatonError(`The port must be a whole number from 0 to 65535 (got ${port}).`, undefined, 'usage');
  if (options.token.length < minTokenLength) throw new BatonError(`The API token is too short (${options.token.length} characters).`, `Use at least ${minTokenLength}, or leave BATON_SERVE_TOKEN unset to get a generated one.`, 'usage');

  const { engine } = options;
  const log = options.log ?? ((line: string) => void process.stderr.write(`baton serve: ${line}\n`));
  const expected = tokenDigest(options.token);
  const tracker = new WorkflowTracker(engine.bus, options.limits);
  const runs = new BackgroundRuns(engine, log);
  const streams = new Set<() => void>();
  const maxBody = options.maxBodyBytes ?? 64 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let boundPort = port;

  async function workflow(id: string): Promise<WorkflowRecord> {
    const unknown = new ApiError(404, 'not_found', `There is no workflow "${id}" in this repository.`);
    if (!idPattern.test(id)) throw unknown;
    try {
      return await engine.status(id);
    } catch (e) {
      if (e instanceof BatonError && e.kind === 'usage') throw unknown;
      throw e;
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A DNS-rebinding page reaches 127.0.0.1 under its own name: only loopback names may be in Host
    // (any port, so an SSH tunnel's local port works too).
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (!loopbackNames.has(hostname)) throw new ApiError(403, 'forbidden_host', `Use http://${loopback}:${boundPort}/ to reach the Baton API.`);
    checkBearer(req, expected);
    const url = new URL(req.url ?? '/', `http://${loopback}`);
    const target = parseRoute(url.pathname);
    if (!target) throw new ApiError(404, 'not_found', `No such route: ${url.pathname}. The API is /api/v1/workflows, /api/v1/workflows/:id, /api/v1/workflows/:id/events and /api/v1/workflows/:id/approvals/:approvalId.`);
    const { id, sub, approvalId } = target;
    const method = req.method ?? 'GET';
    const allow = (m: string) => {
      if (method !== m) throw new ApiError(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}; use ${m}.`, { headers: { allow: m } });
    };
    if (id === undefined) {
      allow('POST');
      const body = parseBody(startWorkflowBody, await readJson(req, maxBody));
      const d = options.defaults ?? {};
      const workflowId = await engine.start(body.task, { mode: body.mode ?? d.mode, budgetUsd: body.budgetUsd ?? d.budgetUsd, budgetTokens: d.budgetTokens });
      runs.start(workflowId);
      sendJson(res, 202, { workflow_id: workflowId, status: 'queued' }, { location: `/api/v1/workflows/${workflowId}` });
      return;
    }
    if (sub === undefined) {
      allow('GET');
      const record = await workflow(id);
      sendJson(res, 200, workflowStatus(record, await engine.pendingApprovals(id), tracker.activity(id)));
      return;
    }
    if (sub === 'events') {
      allow('GET');
      const after = resumePoint(req, url);
      const record = await workflow(id);
      const ended = ['completed', 'failed', 'cancelled'].includes(record.status) && !runs.isRunning(id);
      streamEvents(res, {
        workflowId: id, after, tracker, ended, heartbeatMs, maxBufferedBytes: 1024 * 1024,
        register: (end) => {
          streams.add(end);
          return () => void streams.delete(end);
        },
      });
      return;
    }
    allow('POST');
    const body = parseBody(decisionBody, await readJson(req, maxBody));
    const record = await workflow(id);
    // Two processes resuming one workflow would run its graph twice.
    if (record.runnerPid !== undefined && record.runnerPid !== process.pid && processAlive(record.runnerPid)) {
      throw new ApiError(409, 'conflict', `Workflow ${id} is being run by another Baton process (pid ${record.runnerPid}); answer there, or stop it first with: baton cancel ${id}`);
    }
    // Approving the workflow's budget stop raises its budget: only with the figure a person gives.
    const pending = await engine.pendingApprovals(id);
    const stop = pending.find((p) => p.approvalId === approvalId && p.trigger === 'budget' && !p.approvalId.startsWith('allowance-'));
    if (stop && body.decision === 'approve' && body.budgetUsd === undefined) {
      throw new ApiError(400, 'budget_required', `Approving "${approvalId}" raises the budget of workflow ${id} (${stop.reason}). Send the new budget: {"decision": "approve", "budgetUsd": 5}.`);
    }
    try {
      await engine.decide(id, approvalId, body.decision, body.reason, { budgetUsd: body.budgetUsd });
    } catch (e) {
      if (e instanceof BatonError && e.kind === 'usage') throw new ApiError(409, 'conflict', e.describe());
      throw e;
    }
    runs.start(id);
    sendJson(res, 202, { workflow_id: id, approval_id: approvalId, decision: body.decision, status: 'resuming' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await route(req, res);
    } catch (e) {
      const known = asApiError(e, log);
      if (res.headersSent) res.destroy();
      else sendError(res, known);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, loopback, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    tracker.dispose();
    throw e;
  }
  boundPort = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${loopback}:${boundPort}`,
    port: boundPort,
    openStreams: () => streams.size,
    running: () => runs.running(),
    close: () => (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const end of [...streams]) end();
      await runs.stopAll();
      tracker.dispose();
      // Ended streams and requests still in flight would otherwise hold their sockets open.
      server.closeAllConnections();
      await stopped;
    })()),
  };
}


type Route = { id?: undefined; sub?: undefined; approvalId?: undefined } | { id: string; sub: undefined | 'events'; approvalId?: undefined } | { id: string; sub: 'approvals'; approvalId: string };

function parseRoute(pathname: string): Route | undefined {
  let parts: string[];
  try {
    parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [api, v1, workflows, id, sub, approvalId, ...rest] = parts;
  if (api !== 'api' || v1 !== 'v1' || workflows !== 'workflows' || rest.length) return undefined;
  if (id === undefined) return {};
  if (sub === undefined || sub === 'events') return approvalId === undefined ? { id, sub } : undefined;
  if (sub === 'approvals' && approvalId !== undefined) return { id, sub, approvalId };
  return undefined;
}

/** Known failures keep their message; anything else becomes a plain 500 and its details go to the log only. */
function asApiError(e: unknown, log: (line: string) => void): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof BatonError && e.kind === 'usage') return new ApiError(400, 'invalid_request', e.describe());
  if (e instanceof BatonError) {
    log(`request failed: ${e.describe()}`);
    return new ApiError(500, 'internal', e.describe());
  }
  log(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return new ApiError(500, 'internal', 'Baton hit an internal error; the `baton serve` output has the details.');
}
