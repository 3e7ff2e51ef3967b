import assert from 'node:assert/strict';
import { HumanMessage } from '@langchain/core/messages';
import { Pricing } from '../../src/core/cost/pricing';
import { BatonError } from '../../src/core/errors';
import { EventBus } from '../../src/core/events/eventBus';
import type { BatonEvent } from '../../src/core/events/events';
import { createChatModel } from '../../src/core/models/chatModel';
import { ModelGateway } from '../../src/core/models/modelGateway';
import { RateLimiter } from '../../src/core/models/rateLimiter';
import type { ResilienceOptions } from '../../src/core/resilience/resilienceOptions';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';

// Circuit breakers per agent and model, and fallback models, against real HTTP.

const ask = [new HumanMessage('hello')];
const coder = { workflowId: 'wf-1', agentId: 'coder', taskId: 't1' };

async function gatewayFor(server: FakeOpenAI, resilience: Partial<ResilienceOptions>) {
  const bus = new EventBus();
  const events: BatonEvent[] = [];
  bus.on('*', (e) => void events.push(e));
  const endpoint = { baseUrl: server.baseUrl, model: 'test-model', apiKey: 'test-key' };
  const gateway = new ModelGateway({
    bus, limiter: new RateLimiter(100_000), pricing: await Pricing.load({}), defaultModel: 'test-model',
    createModel: (model) => createChatModel(endpoint, model), resilience: { initialDelayMs: 1, maxDelayMs: 5, ...resilience },
  });
  const of = <T extends BatonEvent['type']>(type: T) => events.filter((e) => e.type === type) as Extract<BatonEvent, { type: T }>[];
  return { gateway, bus, of };
}

/** The primary model is down (503) until `up()`; the backup always answers. */
async function primaryDown() {
  let down = true;
  const server = await startFakeOpenAI({
    rules: [
      { name: 'primary', match: { model: 'test-model' }, reply: () => (down ? { fault: { kind: 'serverError', status: 503 } } : { text: 'primary is back' }) },
      { name: 'backup', match: { model: 'backup-model' }, reply: { text: 'from the backup' } },
    ],
  });
  const toPrimary = () => server.chatRequests.filter((r) => r.body.model === 'test-model').length;
  return { server, up: () => void (down = false), toPrimary };
}

describe('resilience: circuit breakers and fallback models', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('falls back to the next model after the retries, says so, and records the cost against the model that answered', async () => {
    const down = await primaryDown();
    server = down.server;
    const { gateway, of } = await gatewayFor(server, { maxRetries: 2, fallbackModels: ['backup-model'] });
    const reply = await gateway.chat(coder, ask);
    assert.equal(reply.content, 'from the backup');
    assert.equal(down.toPrimary(), 3);
    const [moved] = of('model.fallback');
    assert.deepEqual([moved?.agent, moved?.data.from, moved?.data.to, moved?.data.taskId], ['coder', 'test-model', 'backup-model', 't1']);
    assert.match(moved!.data.reason, /failed after 3 attempts \(HTTP 503\)/);
    assert.deepEqual(of('cost.recorded').map((e) => e.data.model), ['backup-model']);
  });

  it('opens after consecutive failures and, while open, sends calls straight to the fallback without touching the primary', async () => {
    const down = await primaryDown();
    server = down.server;
    const { gateway, of } = await gatewayFor(server, { maxRetries: 5, breakerThreshold: 2, breakerCooldownMs: 3_600_000, fallbackModels: ['backup-model'] });
    assert.equal((await gateway.chat(coder, ask)).content, 'from the backup');
    assert.equal(down.toPrimary(), 2, 'the open breaker stopped the retries after the second failure');
    const [opened] = of('circuit.state');
    assert.deepEqual([opened?.agent, opened?.data.agentId, opened?.data.model, opened?.data.state, opened?.data.retryAfterMs], ['coder', 'coder', 'test-model', 'open', 3_600_000]);
    assert.match(opened!.data.reason ?? '', /HTTP 503/);
    down.up();
    assert.equal((await gateway.chat(coder, ask)).content, 'from the backup');
    assert.equal(down.toPrimary(), 2, 'no request reached the primary while its breaker was open');
    assert.match(of('model.fallback')[1]!.data.reason, /circuit breaker open/);
    // Breakers are per agent: another agent still reaches the primary.
    assert.equal((await gateway.chat({ ...coder, agentId: 'tester' }, ask)).content, 'primary is back');
  });

  it('half-opens after the cool-down, and one good answer closes it again', async () => {
    const down = await primaryDown();
    server = down.server;
    // No cool-down at all: the next call is the half-open trial, so the test waits for events, not for time.
    const { gateway, of } = await gatewayFor(server, { maxRetries: 1, breakerThreshold: 2, breakerCooldownMs: 0, fallbackModels: ['backup-model'] });
    assert.equal((await gateway.chat(coder, ask)).content, 'from the backup');
    down.up();
    assert.equal((await gateway.chat(coder, ask)).content, 'primary is back');
    assert.deepEqual(of('circuit.state').map((e) => e.data.state), ['open', 'half-open', 'closed']);
  });

  it('a failed half-open trial opens the breaker again', async () => {
    const down = await primaryDown();
    server = down.server;
    const { gateway, of } = await gatewayFor(server, { maxRetries: 1, breakerThreshold: 2, breakerCooldownMs: 0, fallbackModels: ['backup-model'] });
    await gateway.chat(coder, ask);
    await gateway.chat(coder, ask);
    assert.deepEqual(of('circuit.state').map((e) => e.data.state).slice(0, 3), ['open', 'half-open', 'open']);
  });

  it('with no fallback left, an open breaker is a clear error', async () => {
    const down = await primaryDown();
    server = down.server;
    const { gateway } = await gatewayFor(server, { maxRetries: 5, breakerThreshold: 2, breakerCooldownMs: 3_600_000 });
    const first = await gateway.chat(coder, ask).then(() => undefined, (e: unknown) => e);
    assert.ok(first instanceof BatonError);
    assert.match(first.describe(), /test-model failed too often for coder, so Baton stopped calling it for a while \(circuit breaker open\)\. It is tried again after the cool-down; add models to baton\.model\.fallbacks/);
  });
});
