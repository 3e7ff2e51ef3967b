import assert from 'node:assert/strict';
import { describeEvent } from '../../src/cli/printer';
import { runFlags } from '../../src/cli/settings';
import { EventBus } from '../../src/core/events/eventBus';

describe('baton CLI: resilience', () => {
  it('reads BATON_MODEL_FALLBACKS as baton.model.fallbacks, in order', () => {
    assert.deepEqual(runFlags({}, { BATON_MODEL_FALLBACKS: 'gpt-4o, gpt-4.1-mini ,' }).settings.fallbackModels, ['gpt-4o', 'gpt-4.1-mini']);
    assert.equal(runFlags({}, {}).settings.fallbackModels, undefined);
  });

  it('prints breaker changes and fallbacks as lines a person can follow', () => {
    const bus = new EventBus();
    const opened = bus.emit('wf-1', 'circuit.state', { agentId: 'coder', model: 'gpt-4o-mini', state: 'open', reason: 'repeated failures', retryAfterMs: 30_000 }, 'coder');
    const closed = bus.emit('wf-1', 'circuit.state', { agentId: 'coder', model: 'gpt-4o-mini', state: 'closed' }, 'coder');
    const moved = bus.emit('wf-1', 'model.fallback', { from: 'gpt-4o-mini', to: 'gpt-4o', reason: 'HTTP 503 after 4 attempts', taskId: 't1' }, 'coder');
    assert.equal(describeEvent(opened), '! circuit for coder on gpt-4o-mini open: repeated failures');
    assert.equal(describeEvent(closed), '  circuit for coder on gpt-4o-mini closed');
    assert.equal(describeEvent(moved), '! coder: gpt-4o-mini failed, trying gpt-4o (HTTP 503 after 4 attempts)');
  });
});
