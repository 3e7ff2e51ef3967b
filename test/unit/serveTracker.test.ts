import assert from 'node:assert/strict';
import { estimate } from '../../src/cli/serve/statusView';
import { WorkflowTracker } from '../../src/cli/serve/workflowTracker';
import { EventBus } from '../../src/core/events/eventBus';
import type { WorkflowRecord } from '../../src/core/workflowRecords';

function clockBus(): { bus: EventBus; at: (iso: string) => void } {
  let now = new Date('2025-01-01T10:00:00.000Z');
  return { bus: new EventBus({ now: () => now }), at: (iso) => (now = new Date(iso)) };
}

const record = (patch: Partial<WorkflowRecord>): WorkflowRecord => ({
  id: 'wf-1', task: 'x', mode: 'centralized', status: 'running', budgetUsd: 2, budgetTokens: 0, costUsd: 0, baseCommit: 'abc', createdAt: '2025-01-01T10:00:00.000Z',
  updatedAt: '2025-01-01T10:00:00.000Z', progress: { done: 0, failed: 0, notRun: 0, total: 0 }, ...patch,
});

describe('baton serve: what the tracker makes of the events', () => {
  it('keeps a bounded window of events per workflow for replay, and forgets ended workflows first', () => {
    const { bus } = clockBus();
    const tracker = new WorkflowTracker(bus, { maxEventsPerWorkflow: 5, maxWorkflows: 2 });
    bus.emit('wf-a', 'workflow.started', { task: 'a', mode: 'centralized' });
    for (let i = 0; i < 9; i++) bus.emit('wf-a', 'workflow.resumed', { detail: String(i) });
    assert.deepEqual(tracker.eventsAfter('wf-a', 0).map((e) => e.seq), [6, 7, 8, 9, 10]);
    assert.deepEqual(tracker.eventsAfter('wf-a', 8).map((e) => e.seq), [9, 10]);
    assert.equal(tracker.oldestKept('wf-a'), 6);

    bus.emit('wf-a', 'workflow.completed', { summary: 'ok', costUsd: 0, durationMs: 1, tasksCompleted: 0 });
    const listening = tracker.subscribe('wf-b', () => undefined);
    bus.emit('wf-c', 'workflow.started', { task: 'c', mode: 'centralized' });
    assert.equal(tracker.lastEvent('wf-a'), undefined, 'the ended workflow went first');
    assert.equal(tracker.subscriberCount, 1);
    listening.dispose();
    assert.equal(tracker.subscriberCount, 0);
    tracker.dispose();
  });

  it('tallies agents, progress, the current step, cost and running time from the events', () => {
    const { bus, at } = clockBus();
    const tracker = new WorkflowTracker(bus);
    bus.emit('wf-1', 'workflow.started', { task: 'x', mode: 'centralized' });
    assert.equal(tracker.activity('wf-1')?.step, 'planning the work');
    bus.emit('wf-1', 'plan.created', { tasks: [{ id: 't1', title: 'One' }, { id: 't2', title: 'Two' }] });
    bus.emit('wf-1', 'cost.recorded', { model: 'm', promptTokens: 1, completionTokens: 1, usd: 0.5, estimated: false, totalUsd: 0.5 }, 'orchestrator');
    bus.emit('wf-1', 'agent.started', { taskId: 't1', branch: 'b1' }, 'coder');
    bus.emit('wf-1', 'agent.started', { taskId: 't2', branch: 'b2' }, 'tester');
    bus.emit('wf-1', 'cost.recorded', { model: 'm', promptTokens: 1, completionTokens: 1, usd: 0.25, estimated: false, taskId: 't1', totalUsd: 0.75 }, 'coder');
    assert.equal(tracker.activity('wf-1')?.step, 'working: coder on t1 (One), tester on t2 (Two)');
    at('2025-01-01T10:01:00.000Z');
    bus.emit('wf-1', 'agent.finished', { taskId: 't1', summary: 's', confidence: 0.9 }, 'coder');
    bus.emit('wf-1', 'agent.failed', { taskId: 't2', error: 'boom', kind: 'model', retryable: false }, 'tester');
    bus.emit('wf-1', 'workflow.paused', { reason: 'approval' });
    at('2025-01-01T11:00:00.000Z');
    const a = tracker.activity('wf-1', Date.parse('2025-01-01T11:00:00.000Z'))!;
    assert.deepEqual(a.progress, { done: 1, failed: 1, notRun: 0, total: 2 }, "a failed task is not done");
    assert.equal(a.costUsd, 0.75);
    assert.equal(a.activeMs, 60_000, 'the hour spent paused does not count');
    assert.deepEqual(a.agents.map((x) => [x.agentId, x.status, x.currentTask?.id, x.tasksDone, x.tasksFailed, x.costUsd]), [
      ['orchestrator', 'idle', undefined, 0, 0, 0.5], ['coder', 'done', 't1', 1, 0, 0.25], ['tester', 'failed', 't2', 0, 1, 0],
    ]);
    tracker.dispose();
  });

  it('estimates completion from the pace of finished tasks, and only while the workflow runs', () => {
    const now = Date.parse('2025-01-01T10:10:00.000Z');
    const activity = { progress: undefined, step: undefined, agents: [], costUsd: 0, activeMs: 10 * 60_000, lastEvent: undefined };
    assert.equal(estimate(record({}), { done: 1, failed: 0, notRun: 0, total: 3 }, activity, now), '2025-01-01T10:30:00.000Z', '10 minutes a task, two left');
    assert.equal(estimate(record({}), { done: 1, failed: 0, notRun: 0, total: 3 }, undefined, now), '2025-01-01T10:30:00.000Z', 'from the creation time without events');
    assert.equal(estimate(record({}), { done: 0, failed: 0, notRun: 0, total: 3 }, activity, now), null, 'no pace before the first task ends');
    assert.equal(estimate(record({}), { done: 0, failed: 1, notRun: 0, total: 3 }, activity, now), '2025-01-01T10:30:00.000Z', 'a failed task ended too: it sets the pace');
    assert.equal(estimate(record({ status: 'waiting' }), { done: 1, failed: 0, notRun: 0, total: 3 }, activity, now), null, 'a person decides when');
    assert.equal(estimate(record({ status: 'completed', updatedAt: '2025-01-01T10:05:00.000Z' }), { done: 3, failed: 0, notRun: 0, total: 3 }, activity, now), '2025-01-01T10:05:00.000Z');
  });
});
