import assert from 'node:assert/strict';
import { EventBus } from '../../src/core/events/eventBus';
import type { WorkflowRecord } from '../../src/core/workflowRecords';
import { ViewActivity } from '../../src/vscode/viewActivity';
import { statusBarLook } from '../../src/vscode/views/statusBarLook';

const record = (costUsd: number): WorkflowRecord => ({
  id: 'wf-1', task: 'x', mode: 'centralized', status: 'running', budgetUsd: 1, budgetTokens: 0, costUsd, baseCommit: 'abc',
  createdAt: '2026-11-29T10:00:00.000Z', updatedAt: '2026-11-29T10:00:00.000Z', progress: { done: 0, failed: 0, notRun: 0, total: 1 },
});

describe('the status bar: spent against budget, agents at work, breakers', () => {
  let bus: EventBus;
  let activity: ViewActivity;
  beforeEach(() => {
    bus = new EventBus();
    activity = new ViewActivity();
    bus.on('*', (e) => activity.observe(e));
    bus.emit('wf-1', 'workflow.started', { task: 'x', mode: 'centralized', budgetUsd: 1 });
    bus.emit('wf-1', 'agent.started', { taskId: 't1', branch: 'baton/wf-1/coder' }, 'coder');
  });
  const look = (costUsd: number) => statusBarLook([activity.summarize(record(costUsd))], 2);

  it('says what was spent of the budget and how many agents work, in the normal colours below 80%', () => {
    assert.deepEqual({ text: look(0.5).text, colour: look(0.5).colour }, { text: '$(organization) $0.50 / $1.00 · 1 agent', colour: undefined });
  });

  it('turns to the warning colour from 80% of the budget', () => {
    assert.equal(look(0.79).colour, undefined);
    assert.equal(look(0.8).colour, 'warning');
    assert.match(look(0.8).tooltip, /80%/);
  });

  it('turns to the error colour when the budget breaker trips, until the workflow resumes', () => {
    bus.emit('wf-1', 'budget.exceeded', { spentUsd: 0.5, budgetUsd: 1 });
    assert.equal(look(0.5).colour, 'error');
    assert.match(look(0.5).tooltip, /wf-1: the \$1\.00 budget is reached/);
    bus.emit('wf-1', 'budget.exceeded', { spentUsd: 0, budgetUsd: 1, spentTokens: 3100, budgetTokens: 3000 });
    assert.match(look(0).tooltip, /wf-1: the 3,000-token budget is reached/, 'a token budget says so');
    bus.emit('wf-1', 'workflow.resumed', {});
    assert.equal(look(0.5).colour, undefined);
  });

  it('turns to the error colour while an agent\'s circuit breaker is open, and back when it closes', () => {
    bus.emit('wf-1', 'circuit.state', { agentId: 'coder', model: 'gpt-4o', state: 'open', reason: '5 failures' });
    assert.equal(look(0.1).colour, 'error');
    assert.match(look(0.1).text, /\$\(error\)/);
    assert.match(look(0.1).tooltip, /circuit open: coder on gpt-4o/);
    bus.emit('wf-1', 'circuit.state', { agentId: 'coder', model: 'gpt-4o', state: 'closed' });
    assert.equal(look(0.1).colour, undefined);
  });

  it('a rolled-back workflow is paused, not still waiting for the approval it no longer has', () => {
    bus.emit('wf-1', 'approval.requested', { approvalId: 't2-after-r1', taskId: 't2', trigger: 'dependencies', reason: 'package.json' });
    assert.equal(activity.summarize(record(0.1)).status, 'waiting');
    bus.emit('wf-1', 'rollback.done', { level: 'snapshot', toSnapshot: 1, ref: 'refs/baton/snapshots/wf-1/1', branches: ['baton/wf-1/coder'] });
    assert.equal(activity.summarize(record(0.1)).status, 'paused');
  });

  it('with nothing at all, shows the default budget', () => {
    assert.equal(statusBarLook([], 2).text, '$(organization) $0.00 / $2.00');
    // A budget under a cent is shown as it is, never as $0.00.
    const tiny = { ...activity.summarize(record(0.00042)), budgetUsd: 0.0001 };
    assert.match(statusBarLook([tiny], 2).text, /\$0\.00042 \/ \$0\.0001/);
  });
});
