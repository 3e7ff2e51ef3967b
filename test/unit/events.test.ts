import assert from 'node:assert/strict';
import { EventBus } from '../../src/core/events/eventBus';
import { eventTypes, InvalidEventError, parseEvent } from '../../src/core/events/events';
import type { BatonEvent, EventOf } from '../../src/core/events/events';

const routed = { taskId: 't1', agentId: 'coder', rationale: 'it writes code', strategy: 'llm' } as const;
const fixedClock = () => new Date('2026-11-22T10:00:00.000Z');

describe('event bus', () => {
  it('numbers events 1, 2, 3... separately for each workflow', () => {
    const bus = new EventBus();
    const seqs = ['wf-a', 'wf-b', 'wf-a', 'wf-a', 'wf-b'].map((wf) => `${wf}:${bus.emit(wf, 'task.routed', routed).seq}`);
    assert.deepEqual(seqs, ['wf-a:1', 'wf-b:1', 'wf-a:2', 'wf-a:3', 'wf-b:2']);
  });

  it('continues numbering after a seq restored from the store, and never moves backwards', () => {
    const bus = new EventBus({ lastSeq: [['wf-a', 41]] });
    assert.equal(bus.emit('wf-a', 'task.routed', routed).seq, 42);
    bus.resumeSeq('wf-a', 10);
    assert.equal(bus.emit('wf-a', 'task.routed', routed).seq, 43);
    bus.resumeSeq('wf-b', 7);
    assert.equal(bus.emit('wf-b', 'workflow.resumed', {}).seq, 8);
    assert.throws(() => bus.resumeSeq('wf-c', -1), /whole number/);
  });

  it('stamps the envelope: version, timestamp, workflow and agent', () => {
    const bus = new EventBus({ now: fixedClock });
    const event = bus.emit('wf-a', 'agent.started', { taskId: 't1', branch: 'baton/wf-a/coder' }, 'coder');
    assert.deepEqual(event, {
      v: 1,
      seq: 1,
      ts: '2026-11-22T10:00:00.000Z',
      workflowId: 'wf-a',
      type: 'agent.started',
      agent: 'coder',
      data: { taskId: 't1', branch: 'baton/wf-a/coder', attempt: 1 },
    });
  });

  it('gives a typed listener only its own type, and a "*" listener everything', () => {
    const bus = new EventBus();
    const routedTo: string[] = [];
    const all: string[] = [];
    bus.on('task.routed', (event) => void routedTo.push(event.data.agentId));
    bus.on('*', (event) => void all.push(event.type));
    bus.emit('wf', 'workflow.started', { task: 'add a flag', mode: 'centralized' });
    bus.emit('wf', 'task.routed', routed);
    bus.emit('wf', 'cost.recorded', { model: 'm', promptTokens: 10, completionTokens: 2, usd: 0.01, estimated: false });
    assert.deepEqual(routedTo, ['coder']);
    assert.deepEqual(all, ['workflow.started', 'task.routed', 'cost.recorded']);
  });

  it('stops calling a listener once disposed, even in the middle of a delivery', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    let second: { dispose(): void } | undefined;
    const first = bus.on('*', () => {
      calls.push('first');
      second?.dispose();
    });
    second = bus.on('*', () => void calls.push('second'));
    const typed = bus.on('task.routed', () => void calls.push('typed'));
    bus.emit('wf', 'task.routed', routed);
    typed.dispose();
    bus.emit('wf', 'task.routed', routed);
    first.dispose();
    bus.emit('wf', 'task.routed', routed);
    assert.deepEqual(calls, ['typed', 'first', 'first']);
  });

  it('keeps delivering when a listener throws, and reports the error', () => {
    const errors: string[] = [];
    const bus = new EventBus({ onListenerError: (error, event) => errors.push(`${event.type}: ${String(error)}`) });
    const received: number[] = [];
    bus.on('task.routed', () => {
      throw new Error('boom');
    });
    bus.on('task.routed', (event) => void received.push(event.seq));
    bus.on('*', (event) => void received.push(event.seq * 10));
    const event = bus.emit('wf', 'task.routed', routed);
    assert.equal(event.seq, 1);
    assert.deepEqual(received, [1, 10]);
    assert.deepEqual(errors, ['task.routed: Error: boom']);
  });

  it('reports a rejected async listener', async () => {
    let report!: (message: string) => void;
    const reported = new Promise<string>((resolve) => (report = resolve));
    const bus = new EventBus({ onListenerError: (error) => report(String(error)) });
    bus.on('task.routed', async () => {
      throw new Error('async boom');
    });
    bus.emit('wf', 'task.routed', routed);
    assert.equal(await reported, 'Error: async boom');
  });

  it('rejects invalid data with a message naming the event type and field, and uses no seq', () => {
    const bus = new EventBus();
    const seen: BatonEvent[] = [];
    bus.on('*', (event) => void seen.push(event));
    assert.throws(
      // @ts-expect-error agentId is missing: the compiler catches it, the runtime check must too
      () => bus.emit('wf', 'task.routed', { taskId: 't1', rationale: 'x', strategy: 'llm' }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidEventError);
        assert.match(error.message, /invalid task\.routed event: data\.agentId: .*expected string/);
        assert.match(error.message, /bug in Baton/);
        return true;
      },
    );
    // @ts-expect-error 'lunch' is not a routing strategy
    assert.throws(() => bus.emit('wf', 'task.routed', { ...routed, strategy: 'lunch' }), /data\.strategy/);
    assert.equal(bus.emit('wf', 'task.routed', routed).seq, 1);
    assert.equal(seen.length, 1);
  });

  it('requires agent.* events to name their agent', () => {
    const bus = new EventBus();
    // @ts-expect-error the agent argument is required for agent.* events
    assert.throws(() => bus.emit('wf', 'agent.finished', { taskId: 't', summary: 'done', confidence: 0.9 }), /agent: /);
    assert.equal(bus.emit('wf', 'agent.finished', { taskId: 't', summary: 'done', confidence: 0.9 }, 'coder').agent, 'coder');
  });

  it('delivers an event emitted from a listener after the current one reaches every listener', () => {
    const bus = new EventBus();
    const seenByFirst: number[] = [];
    const seenByLast: number[] = [];
    bus.on('*', (event) => {
      seenByFirst.push(event.seq);
      if (event.type === 'agent.committed') bus.emit('wf', 'task.routed', { ...routed, strategy: 'subscription' });
    });
    bus.on('*', (event) => void seenByLast.push(event.seq));
    const commit = { taskId: 't1', branch: 'baton/wf/coder', sha: 'abc1234', message: 'feat', files: ['a.ts'] };
    bus.emit('wf', 'agent.committed', commit, 'coder');
    assert.deepEqual(seenByFirst, [1, 2]);
    assert.deepEqual(seenByLast, [1, 2]);
  });

  it('redacts secrets before any listener sees them', () => {
    const bus = new EventBus({ knownSecrets: () => ['my-local-key-123'] });
    let seen: EventOf<'agent.tool_call'> | undefined;
    bus.on('agent.tool_call', (event) => void (seen = event));
    const args = 'curl -H "Authorization: Bearer abcdefghijklmnop" https://x/?k=my-local-key-123';
    bus.emit('wf', 'agent.tool_call', { taskId: 't', tool: 'run_command', args, ok: true }, 'tester');
    assert.ok(seen);
    assert.doesNotMatch(seen.data.args, /abcdefghijklmnop|my-local-key-123/);
    assert.match(seen.data.args, /Bearer \[REDACTED\]/);
  });

  it('once() resolves with the next matching event', async () => {
    const bus = new EventBus();
    const approved = bus.once('approval.resolved', (event) => event.data.approvalId === 'a2');
    bus.emit('wf', 'approval.resolved', { approvalId: 'a1', decision: 'reject' });
    bus.emit('wf', 'approval.resolved', { approvalId: 'a2', decision: 'approve' });
    const event = await approved;
    assert.equal(event.seq, 2);
    assert.equal(event.data.by, 'user');
  });
});

describe('event envelope', () => {
  it('round-trips through JSON in the documented wire shape', () => {
    const bus = new EventBus({ now: fixedClock });
    const event = bus.emit('wf-1', 'handoff.sent', { handoffId: 'h1', from: 'coder', to: 'tester', intent: 'test', message: 'please' });
    const line = JSON.stringify(event);
    assert.match(line, /^\{"v":1,"seq":1,"ts":"2026-11-22T10:00:00.000Z","workflowId":"wf-1","type":"handoff.sent","data":\{/);
    const parsed = parseEvent(JSON.parse(line));
    assert.deepEqual(parsed, event);
    assert.equal(parsed.type === 'handoff.sent' && parsed.data.urgency, 'normal');
  });

  it('explains what is wrong with a foreign envelope', () => {
    const base = { v: 1, seq: 3, ts: '2026-11-22T10:00:00Z', workflowId: 'wf' };
    assert.throws(() => parseEvent({ ...base, type: 'agent.danced', data: {} }), /type: "agent\.danced" is not a Baton event type \(known: workflow\.started/);
    assert.throws(() => parseEvent({ ...base, ts: 'yesterday', type: 'workflow.resumed', data: {} }), /Invalid workflow\.resumed event: ts: /);
    assert.throws(() => parseEvent({ ...base, v: 2, type: 'workflow.resumed', data: {} }), /v: /);
    assert.throws(() => parseEvent('not an object'), /Invalid event/);
    assert.equal(parseEvent({ ...base, ts: '2026-11-22T11:00:00+01:00', type: 'workflow.resumed', data: {} }).seq, 3);
  });

  it('covers every event type of the public contract', () => {
    const contract = `workflow.started, plan.created, task.routed, agent.started, agent.message, agent.tool_call,
      agent.committed, agent.finished, agent.failed, handoff.sent, handoff.accepted, review.verdict, approval.requested,
      approval.resolved, cost.recorded, budget.warning, budget.exceeded, conflict.detected, conflict.resolved,
      snapshot.created, rollback.done, workflow.paused, workflow.resumed, workflow.completed, workflow.failed, workflow.cancelled`;
    const expected = [...contract.split(/,\s*/), 'handoff.rejected', 'agent.tool_refused', 'circuit.state', 'model.fallback', 'config.ignored'];
    assert.deepEqual([...eventTypes].sort(), expected.sort());
  });
});
