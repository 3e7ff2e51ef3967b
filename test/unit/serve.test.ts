import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { BatonEvent } from '../../src/core/events/events';
import { BatonError } from '../../src/core/errors';
import { startApiServer } from '../../src/cli/serve/apiServer';
import type { ApiServer } from '../../src/cli/serve/apiServer';
import type { WorkflowStatusBody } from '../../src/cli/serve/statusView';
import { conversation, makeEngine, scriptedTeam } from '../support/engineHarness';
import type { AgentScript, Harness } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI, Reply } from '../support/fakeOpenAI';
import { makeRepo } from '../support/repoBuilder';

const token = 'test-token-0123456789abcdef';
const write = (path: string, content: string) => [{ name: 'write_file', args: { path, content } }];

const greetPlan = {
  rationale: 'implement, then document',
  tasks: [
    { id: 't1', title: 'Add a greet function', description: 'src/greet.ts exports greet(name)', capabilities: ['implement'], dependsOn: [], files: ['src/greet.ts'], risks: [] },
    { id: 't2', title: 'Add tests', description: 'tests for greet', capabilities: ['test'], dependsOn: [], files: ['test/greet.test.ts'], risks: [] },
    { id: 't3', title: 'Document greet', description: 'README section', capabilities: ['docs'], dependsOn: ['t1'], files: ['README.md'], risks: [] },
  ],
};
const greetRouting = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'coder implements', confidence: 0.9 },
  { taskId: 't2', agentId: 'tester', rationale: 'tester writes tests', confidence: 0.9 },
  { taskId: 't3', agentId: 'documenter', rationale: 'documenter writes docs', confidence: 0.9 },
] };
const greetAgents: Record<string, AgentScript> = {
  coder: { work: () => write('src/greet.ts', 'export const greet = (n: string) => `hi ${n}`;\n') },
  tester: { work: () => write('test/greet.test.ts', '// greet tests\n') },
  documenter: { work: () => write('README.md', '# sample\n\n## greet\n') },
};

const dependencyPlan = { rationale: 'one risky step', tasks: [
  { id: 't1', title: 'Add lodash', description: 'add lodash to package.json', capabilities: ['implement'], dependsOn: [], files: ['package.json'], risks: [] },
] };
const dependencyRouting = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'coder', confidence: 0.9 }] };
const dependencyAgents: Record<string, AgentScript> = { coder: { work: () => write('package.json', '{ "dependencies": { "lodash": "^4.17.21" } }\n') } };

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

interface SseFrame { id?: string; event?: string; data?: string; comment?: string; retry?: string }

/** Parses a text/event-stream body frame by frame, until the server ends it. */
async function* sseFrames(res: Response): AsyncGenerator<SseFrame> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame: SseFrame = {};
      for (const line of buffer.slice(0, end).split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else {
          const at = line.indexOf(': ');
          (frame as Record<string, string>)[line.slice(0, at)] = line.slice(at + 2);
        }
      }
      buffer = buffer.slice(end + 2);
      yield frame;
    }
  }
}

async function eventsOf(res: Response, until?: (e: BatonEvent) => boolean): Promise<BatonEvent[]> {
  const events: BatonEvent[] = [];
  for await (const f of sseFrames(res)) {
    if (!f.event) continue;
    const e = JSON.parse(f.data!) as BatonEvent;
    assert.equal(f.id, String(e.seq), 'the SSE id is the event seq');
    assert.equal(f.event, e.type, 'the SSE event name is the event type');
    events.push(e);
    if (until?.(e)) break;
  }
  return events;
}

describe('baton serve: the HTTP API', () => {
  let fake: FakeOpenAI | undefined;
  let api: ApiServer | undefined;
  const gates: (() => void)[] = [];

  afterEach(async () => {
    for (const open of gates.splice(0)) open();
    await api?.close();
    api = undefined;
    await fake?.close();
    fake = undefined;
  });

  /** An engine on a fresh repository whose model answers by script, each reply first waiting for `hold` if given. */
  async function boot(plan: unknown, routing: unknown, agents: Record<string, AgentScript>, hold?: (system: string) => Promise<void> | undefined, options: { heartbeatMs?: number; log?: (line: string) => void } = {}): Promise<Harness> {
    const team = scriptedTeam(plan, routing, agents);
    fake = await startFakeOpenAI({ fallback: async (req): Promise<Reply> => {
      await hold?.(conversation(req).system);
      return team(req);
    } });
    const h = await makeEngine(makeRepo(), fake);
    api = await startApiServer({ engine: h.engine, token, ...options });
    return h;
  }

  function gate(): Promise<void> {
    const d = deferred();
    gates.push(d.resolve);
    return d.promise;
  }

  function call(path: string, init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== null) headers.authorization = `Bearer ${init.token ?? token}`;
    if (init.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    return fetch(`${api!.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, signal: init.signal,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
  }

  async function status(id: string): Promise<WorkflowStatusBody> {
    const res = await call(`/api/v1/workflows/${id}`);
    assert.equal(res.status, 200);
    return (await res.json()) as WorkflowStatusBody;
  }

  async function start(task: string): Promise<string> {
    const res = await call('/api/v1/workflows', { body: { task } });
    assert.equal(res.status, 202, await res.clone().text());
    return ((await res.json()) as { workflow_id: string }).workflow_id;
  }

  async function errorOf(res: Response, status: number): Promise<{ code: string; message: string; field?: string }> {
    const text = await res.text();
    assert.equal(res.status, status, text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    return (JSON.parse(text) as { error: { code: string; message: string; field?: string } }).error;
  }

  it('listens on 127.0.0.1 only, and refuses to start on any other host', async () => {
    const h = await boot(greetPlan, greetRouting, greetAgents);
    assert.match(api!.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    // Linux routes all of 127/8 to the loopback device: a socket bound to 127.0.0.1 alone refuses 127.0.0.2.
    const others = ['127.0.0.2', ...Object.values(networkInterfaces()).flat().flatMap((i) => (i && i.family === 'IPv4' && !i.internal ? [i.address] : []))];
    for (const address of others) {
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(api!.port, address);
        socket.once('connect', () => { socket.destroy(); resolve('connected'); });
        socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      assert.equal(refused, 'ECONNREFUSED', `${address}:${api!.port}`);
    }
    await assert.rejects(startApiServer({ engine: h.engine, token, host: '0.0.0.0' }), (e: unknown) => e instanceof BatonError && /only listens on 127\.0\.0\.1/.test(e.message));
    await assert.rejects(startApiServer({ engine: h.engine, token: 'short' }), /too short/);
  });

  it('answers 401 with a JSON error without the right bearer token, compared on every route', async () => {
    await boot(greetPlan, greetRouting, greetAgents);
    for (const [init, path] of [
      [{ token: null }, '/api/v1/workflows/wf-x'],
      [{ token: 'test-token-0123456789abcdeX' }, '/api/v1/workflows/wf-x'],
      [{ token: 'x' }, '/api/v1/workflows/wf-x'],
      [{ token: null, headers: { authorization: `Basic ${token}` } }, '/api/v1/workflows/wf-x'],
      [{ token: null }, '/no/such/route'],
      [{ token: null, body: { task: 'x' } }, '/api/v1/workflows'],
    ] as const) {
      const res = await call(path, init);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="baton"');
      const error = await errorOf(res, 401);
      assert.equal(error.code, 'unauthorized');
      assert.match(error.message, /Authorization: Bearer/);
    }
    assert.equal(api!.running().length, 0, 'nothing was started without the token');
    // A page that reaches 127.0.0.1 through its own DNS name (rebinding) is refused even with the token.
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: api!.port, path: '/api/v1/workflows/wf-x', headers: { host: `evil.example:${api!.port}`, authorization: `Bearer ${token}` } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.status, 403, res.body);
  });

  it('POST answers 202 at once with a workflow id; GET follows progress, agents and the estimate to completion', async () => {
    const planning = gate();
    const documenting = gate();
    const h = await boot(greetPlan, greetRouting, greetAgents, (system) => (system.startsWith('Baton analyze') ? planning : system.startsWith('Baton agent documenter') ? documenting : undefined));
    const res = await call('/api/v1/workflows', { body: { task: 'add a greet function with tests and docs', mode: 'centralized', budgetUsd: 1.5 } });
    assert.equal(res.status, 202);
    const body = (await res.json()) as { workflow_id: string; status: string };
    assert.equal(body.status, 'queued');
    assert.match(body.workflow_id, /^wf-\d{8}-[0-9a-f]{6}$/);
    assert.equal(res.headers.get('location'), `/api/v1/workflows/${body.workflow_id}`);
    const id = body.workflow_id;

    // The model has not even planned yet, so the answer came before the workflow could complete.
    const early = await status(id);
    assert.ok(['queued', 'running'].includes(early.status), early.status);
    assert.deepEqual([early.task, early.mode, early.budget_usd, early.progress, early.estimated_completion], ['add a greet function with tests and docs', 'centralized', 1.5, { done: 0, failed: 0, notRun: 0, total: 0 }, null]);

    // Midway: t1 and t2 done, the documenter working on t3 (its model held).
    const midway = Promise.all([
      h.engine.bus.once('agent.finished', (e) => e.workflowId === id && e.data.taskId === 't1'),
      h.engine.bus.once('agent.finished', (e) => e.workflowId === id && e.data.taskId === 't2'),
      h.engine.bus.once('agent.started', (e) => e.workflowId === id && e.data.taskId === 't3'),
    ]);
    const completed = h.engine.bus.once('workflow.completed', (e) => e.workflowId === id);
    gates[0]!();
    await midway;
    const mid = await status(id);
    assert.equal(mid.status, 'running');
    assert.deepEqual(mid.progress, { done: 2, failed: 0, notRun: 0, total: 3 });
    assert.equal(mid.current_step, 'working: documenter on t3 (Document greet)');
    const byId = new Map(mid.agents.map((a) => [a.agent_id, a]));
    assert.deepEqual(byId.get('coder') && { ...byId.get('coder'), cost_usd: 0 }, { agent_id: 'coder', status: 'done', current_task: { id: 't1', title: 'Add a greet function' }, tasks_done: 1, tasks_failed: 0, cost_usd: 0 });
    assert.equal(byId.get('documenter')?.status, 'working');
    assert.ok(byId.get('coder')!.cost_usd > 0, 'each agent has its own cost');
    assert.ok(mid.cost_usd > 0, 'the cost is live while the workflow runs');
    assert.ok(mid.estimated_completion && !Number.isNaN(Date.parse(mid.estimated_completion)), `an estimate once tasks finish: ${mid.estimated_completion}`);

    gates[1]!();
    await completed;
    const done = await status(id);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.progress, { done: 3, failed: 0, notRun: 0, total: 3 });
    assert.equal(done.current_step, null);
    assert.equal(done.estimated_completion, done.updated_at, 'a completed workflow reports when it completed');
    assert.deepEqual(done.pending_approvals, []);
    assert.deepEqual(done.agents.filter((a) => ['coder', 'tester', 'documenter'].includes(a.agent_id)).map((a) => [a.agent_id, a.status, a.tasks_done]).sort(),
      [['coder', 'done', 1], ['documenter', 'done', 1], ['tester', 'done', 1]]);
    assert.ok(Math.abs(done.cost_usd - (await h.engine.status(id)).costUsd) < 1e-6, 'the cost of the record');
  });

  it('streams the events as SSE in seq order, replaying what came before, ending with the workflow, and resumes from Last-Event-ID', async () => {
    const planning = gate();
    const h = await boot(greetPlan, greetRouting, greetAgents, (system) => (system.startsWith('Baton analyze') ? planning : undefined));
    const id = await start('add a greet function with tests and docs');
    const res = await call(`/api/v1/workflows/${id}/events`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    gates[0]!();
    const streamed = await eventsOf(res);
    const types = streamed.map((e) => e.type);
    assert.equal(types[0], 'workflow.started', 'replayed: it came before the client connected');
    assert.equal(types.at(-1), 'workflow.completed', 'the stream ends with the workflow');
    assert.deepEqual(streamed.map((e) => e.seq), streamed.map((_, i) => i + 1), 'every event, in seq order');
    assert.deepEqual(streamed, JSON.parse(JSON.stringify(h.events.filter((e) => e.workflowId === id))), 'exactly the bus events, in the contract envelope');
    for (const t of ['plan.created', 'task.routed', 'agent.started', 'agent.finished', 'cost.recorded']) assert.ok(types.includes(t as BatonEvent['type']), t);

    const last = streamed.length;
    const resumed = await eventsOf(await call(`/api/v1/workflows/${id}/events`, { headers: { 'last-event-id': String(last - 3) } }));
    assert.deepEqual(resumed.map((e) => e.seq), [last - 2, last - 1, last]);
    const after = await eventsOf(await call(`/api/v1/workflows/${id}/events?after=${last - 1}`));
    assert.deepEqual(after.map((e) => e.type), ['workflow.completed']);
    const nothingNew = await call(`/api/v1/workflows/${id}/events`, { headers: { 'last-event-id': String(last) } });
    assert.equal(nothingNew.status, 204, 'nothing after the end: 204 also stops EventSource from reconnecting');
    assert.equal((await errorOf(await call(`/api/v1/workflows/${id}/events?after=abc`), 400)).field, 'Last-Event-ID');
    assert.equal(api!.openStreams(), 0);
  });

  it('runs an approval over HTTP: a task changing package.json waits, GET shows it pending, POST approve resumes it to completion', async () => {
    const h = await boot(dependencyPlan, dependencyRouting, dependencyAgents);
    const paused = h.engine.bus.once('workflow.paused');
    const id = await start('add lodash');
    await paused;
    const waiting = await status(id);
    assert.equal(waiting.status, 'waiting');
    assert.equal(waiting.current_step, 'waiting for 1 approval(s)');
    assert.equal(waiting.estimated_completion, null, 'no estimate while a person decides');
    assert.deepEqual(waiting.pending_approvals.map((p) => [p.approval_id, p.trigger, p.task_id, p.files]), [['t1-after-r1', 'dependencies', 't1', ['package.json']]]);
    assert.match(waiting.pending_approvals[0]!.reason, /dependency manifest: package\.json/);

    // A stream opened while it waits stays open across the approval and carries the rest.
    const stream = await call(`/api/v1/workflows/${id}/events`, { headers: { 'last-event-id': String(h.events.filter((e) => e.workflowId === id).length) } });
    assert.equal(stream.status, 200);
    const rest = eventsOf(stream);

    assert.equal((await errorOf(await call(`/api/v1/workflows/${id}/approvals/t1-after-r1`, { body: { decision: 'maybe' } }), 400)).field, 'decision');
    const wrong = await errorOf(await call(`/api/v1/workflows/${id}/approvals/t9-after-r1`, { body: { decision: 'approve' } }), 409);
    assert.match(wrong.message, /no pending approval "t9-after-r1".*Pending: t1-after-r1/);

    const completed = h.engine.bus.once('workflow.completed', (e) => e.workflowId === id);
    const res = await call(`/api/v1/workflows/${id}/approvals/t1-after-r1`, { body: { decision: 'approve', reason: 'lodash is fine' } });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { workflow_id: id, approval_id: 't1-after-r1', decision: 'approve', status: 'resuming' });
    await completed;
    const done = await status(id);
    assert.deepEqual([done.status, done.pending_approvals, done.progress], ['completed', [], { done: 1, failed: 0, notRun: 0, total: 1 }]);
    const after = (await rest).map((e) => e.type);
    assert.deepEqual([after[0], after[1], after.at(-1)], ['approval.resolved', 'workflow.resumed', 'workflow.completed']);
    assert.deepEqual(h.of('approval.resolved').map((e) => [e.data.approvalId, e.data.decision, e.data.reason]), [['t1-after-r1', 'approve', 'lodash is fine']]);

    const again = await errorOf(await call(`/api/v1/workflows/${id}/approvals/t1-after-r1`, { body: { decision: 'approve' } }), 409);
    assert.equal(again.code, 'conflict');
    assert.match(again.message, /not waiting|no pending approval/);
  });

  it('a budget stop is answered with the new budget a person gives, or refused with 400 budget_required', async () => {
    const h = await boot(greetPlan, greetRouting, greetAgents);
    const paused = h.engine.bus.once('workflow.paused');
    const res = await call('/api/v1/workflows', { body: { task: 'greet on a tiny budget', budgetUsd: 0.000001 } });
    const { workflow_id: id } = await res.json() as { workflow_id: string };
    assert.equal((await paused).data.reason, 'budget');
    const waiting = await status(id);
    assert.equal(waiting.status, 'paused');
    const stop = waiting.pending_approvals[0]!;
    assert.equal(stop.trigger, 'budget');
    const bare = await errorOf(await call(`/api/v1/workflows/${id}/approvals/${stop.approval_id}`, { body: { decision: 'approve' } }), 400);
    assert.equal(bare.code, 'budget_required');
    assert.match(bare.message, /Send the new budget: \{"decision": "approve", "budgetUsd": 5\}/);
    const completed = h.engine.bus.once('workflow.completed', (e) => e.workflowId === id);
    assert.equal((await call(`/api/v1/workflows/${id}/approvals/${stop.approval_id}`, { body: { decision: 'approve', budgetUsd: 5 } })).status, 202);
    await completed;
    const done = await status(id);
    assert.deepEqual([done.status, done.budget_usd], ['completed', 5]);
    assert.deepEqual(h.of('approval.resolved').map((e) => [e.data.decision, e.data.by, e.data.budgetUsd]), [['approve', 'user', 5]]);
  });

  it('rejects invalid bodies with 400 naming the field, and oversized or non-JSON ones with 413 and 415', async () => {
    await boot(greetPlan, greetRouting, greetAgents);
    const cases: [unknown, string | undefined, RegExp][] = [
      [{}, 'task', /"task" is required/],
      [{ task: '   ' }, 'task', /"task": must not be empty/],
      [{ task: 'x', mode: 'swarm' }, 'mode', /"mode": .*centralized/],
      [{ task: 'x', budgetUsd: -1 }, 'budgetUsd', /"budgetUsd": must be more than 0/],
      [{ task: 'x', budgetUsd: '2' }, 'budgetUsd', /"budgetUsd": .*expected number/],
      [{ task: 'x', budget: 2 }, 'budget', /unknown field "budget"/],
      [['x'], undefined, /must be a JSON object/],
      ['{"task": ', undefined, /not valid JSON/],
    ];
    for (const [body, field, message] of cases) {
      const error = await errorOf(await call('/api/v1/workflows', { body }), 400);
      assert.deepEqual([error.code, error.field], ['invalid_body', field], JSON.stringify(body));
      assert.match(error.message, message);
    }
    assert.equal((await errorOf(await call('/api/v1/workflows', { body: '{"task":"x"}', headers: { 'content-type': 'text/plain' } }), 415)).code, 'unsupported_media_type');
    assert.equal((await errorOf(await call('/api/v1/workflows', { body: { task: 'x'.repeat(70 * 1024) } }), 413)).code, 'payload_too_large');
    assert.equal(api!.running().length, 0, 'no invalid request started a workflow');
  });

  it('answers 404 for unknown workflows and routes, 405 for the wrong method', async () => {
    await boot(greetPlan, greetRouting, greetAgents);
    for (const [path, init] of [
      ['/api/v1/workflows/wf-20250101-000000', {}],
      ['/api/v1/workflows/wf-20250101-000000/events', {}],
      ['/api/v1/workflows/wf-20250101-000000/approvals/t1-after-r1', { body: { decision: 'approve' } }],
      ['/api/v1/workflows/..%2F..%2Fetc', {}],
    ] as const) {
      const error = await errorOf(await call(path, init), 404);
      assert.equal(error.code, 'not_found');
      assert.match(error.message, /no workflow/);
    }
    for (const path of ['/', '/api/v2/workflows', '/api/v1/workflows/wf-x/logs', '/api/v1/workflows/wf-x/approvals', '/api/v1/workflows/wf-x/events/1']) {
      assert.match((await errorOf(await call(path), 404)).message, /No such route/, path);
    }
    const listing = await call('/api/v1/workflows');
    assert.equal(listing.headers.get('allow'), 'POST');
    assert.equal((await errorOf(listing, 405)).code, 'method_not_allowed');
    assert.equal((await errorOf(await call('/api/v1/workflows/wf-x', { method: 'DELETE' }), 405)).code, 'method_not_allowed');
  });

  it('answers an internal failure with a plain 500 that leaks no stack trace, and logs the details', async () => {
    const logged: string[] = [];
    const h = await boot(greetPlan, greetRouting, greetAgents, undefined, { log: (line) => void logged.push(line) });
    h.engine.status = () => Promise.reject(new Error('sqlite exploded at /home/secret/db'));
    const res = await call('/api/v1/workflows/wf-20250101-abcdef');
    const text = await res.text();
    assert.equal(res.status, 500);
    assert.doesNotMatch(text, /exploded|secret|\bat /);
    assert.deepEqual(JSON.parse(text), { error: { code: 'internal', message: 'Baton hit an internal error; the `baton serve` output has the details.' } });
    assert.match(logged.join('\n'), /sqlite exploded at \/home\/secret\/db\n\s+at /);
  });

  it('sends heartbeats, and closing many clients leaves no stream and no extra bus listener behind', async () => {
    const planning = gate();
    const team = scriptedTeam(greetPlan, greetRouting, greetAgents);
    fake = await startFakeOpenAI({ fallback: async (req): Promise<Reply> => {
      if (conversation(req).system.startsWith('Baton analyze')) await planning;
      return team(req);
    } });
    const h = await makeEngine(makeRepo(), fake);
    // Count the bus subscriptions made from here on.
    const bus = h.engine.bus;
    const on = bus.on.bind(bus) as (type: '*', listener: (e: BatonEvent) => void) => { dispose(): void };
    let listeners = 0;
    bus.on = ((type: '*', listener: (e: BatonEvent) => void) => {
      const inner = on(type, listener);
      listeners++;
      let disposed = false;
      return { dispose: () => { if (!disposed) { disposed = true; listeners--; } inner.dispose(); } };
    }) as typeof bus.on;
    api = await startApiServer({ engine: h.engine, token, heartbeatMs: 5 });
    assert.equal(listeners, 1, 'one bus listener for the whole server');
    const id = await start('add a greet function');

    const clients = Array.from({ length: 20 }, () => new AbortController());
    const frames = await Promise.all(clients.map(async (c) => {
      const res = await call(`/api/v1/workflows/${id}/events`, { signal: c.signal });
      const got: SseFrame[] = [];
      for await (const f of sseFrames(res)) {
        got.push(f);
        if (f.comment === 'heartbeat') break;
      }
      return got;
    }));
    for (const got of frames) assert.deepEqual(got.filter((f) => f.event).map((f) => f.event), ['workflow.started']);
    assert.equal(api.openStreams(), 20);
    assert.equal(listeners, 1, 'streams do not add bus listeners');
    for (const c of clients) c.abort();
    for (let i = 0; i < 500 && api.openStreams() > 0; i++) await delay(10);
    assert.equal(api.openStreams(), 0, 'every stream was cleaned up when its client left');

    await api.close();
    api = undefined;
    assert.equal(listeners, 0, 'closing the server removes its bus listener');
    assert.equal((await h.engine.status(id)).status, 'cancelled', 'closing cancels the runs it started; they stay resumable');
  });
});
