import assert from 'node:assert/strict';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage } from '@langchain/core/messages';
import { rollUpCosts } from '../../src/core/cost/ledger';
import { Pricing } from '../../src/core/cost/pricing';
import { EventBus } from '../../src/core/events/eventBus';
import type { EventOf } from '../../src/core/events/events';
import { createChatModel } from '../../src/core/models/chatModel';
import { ModelGateway } from '../../src/core/models/modelGateway';
import { RateLimiter } from '../../src/core/models/rateLimiter';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { promptTokens } from '../support/fakeOpenAIWire';

// The cost of a call, through the real @langchain/openai client: the usage the server reports, cached prompt
// tokens included, priced from the list (gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million).

describe('model gateway: the cost of a call', () => {
  let server: FakeOpenAI | undefined;
  const prompt = [new HumanMessage(`Review this file:\n${'export const a = 1;\n'.repeat(300)}`)];
  const ctx = { workflowId: 'wf-1', agentId: 'reviewer', taskId: 't1' };

  afterEach(() => server?.close());

  async function serve(cachedPromptTokens?: number): Promise<FakeOpenAI> {
    server = await startFakeOpenAI({ rules: [{ reply: { text: 'Looks fine to me.', ...(cachedPromptTokens === undefined ? {} : { cachedPromptTokens }) } }] });
    return server;
  }

  const batonClient = (s: FakeOpenAI) => (model: string) => createChatModel({ baseUrl: s.baseUrl, model, apiKey: undefined }, model);

  async function callOnce(s: FakeOpenAI, createModel: (model: string) => BaseChatModel): Promise<EventOf<'cost.recorded'>> {
    const bus = new EventBus();
    const recorded = bus.once('cost.recorded');
    const gateway = new ModelGateway({
      bus, limiter: new RateLimiter(100_000), pricing: await Pricing.load({}, { baseUrl: s.baseUrl }), defaultModel: 'gpt-4o-mini', createModel,
    });
    await gateway.chat(ctx, prompt);
    const event = await recorded;
    assert.equal(gateway.spentUsd('wf-1'), event.data.usd);
    return event;
  }

  function expectCost(s: FakeOpenAI, event: EventOf<'cost.recorded'>): void {
    const prompted = promptTokens(s.chatRequests[0]!.body);
    assert.ok(prompted > 1024, `the prompt (${prompted} tokens) is longer than its cached part`);
    assert.equal(event.data.promptTokens, prompted);
    assert.equal(event.data.cachedPromptTokens, 1024);
    assert.equal(event.data.estimated, false);
    const expected = ((prompted - 1024) * 0.15 + 1024 * 0.075 + event.data.completionTokens * 0.6) / 1_000_000;
    assert.ok(Math.abs(event.data.usd - expected) < 1e-12, `usd ${event.data.usd}, expected ${expected}`);
  }

  it('records the cached prompt tokens of a reply and prices them at the cache-read price', async () => {
    const s = await serve(1024);
    expectCost(s, await callOnce(s, batonClient(s)));
    // Whole replies: the gateway does not stream, so a streamed reply's usage (the fake sends it too, see
    // fakeOpenAI.test) never reaches it. A streaming ChatOpenAI.invoke would also fetch tiktoken from the network.
    assert.notEqual(s.chatRequests[0]!.body.stream, true, 'Baton\'s own client asks for whole replies');
  });

  it('leaves cachedPromptTokens out when the server reports none', async () => {
    const s = await serve();
    const event = await callOnce(s, batonClient(s));
    assert.equal('cachedPromptTokens' in event.data, false);
    assert.ok(Math.abs(event.data.usd - (event.data.promptTokens * 0.15 + event.data.completionTokens * 0.6) / 1_000_000) < 1e-12);
  });
});

describe('cost ledger: cached prompt tokens', () => {
  it('rolls them up per model and in total; events from before they were recorded count none', () => {
    const bus = new EventBus();
    const events = [
      bus.emit('wf-1', 'cost.recorded', { model: 'gpt-4o-mini', promptTokens: 2000, cachedPromptTokens: 1024, completionTokens: 10, usd: 0.0002, estimated: false }, 'coder'),
      bus.emit('wf-1', 'cost.recorded', { model: 'gpt-4o-mini', promptTokens: 3000, cachedPromptTokens: 1920, completionTokens: 20, usd: 0.0003, estimated: false }, 'coder'),
      bus.emit('wf-1', 'cost.recorded', { model: 'gpt-4o', promptTokens: 500, completionTokens: 5, usd: 0.001, estimated: false }, 'reviewer'),
    ];
    const costs = rollUpCosts(events);
    assert.equal(costs.total.cachedPromptTokens, 2944);
    assert.equal(costs.byModel['gpt-4o-mini']!.cachedPromptTokens, 2944);
    assert.equal(costs.byModel['gpt-4o']!.cachedPromptTokens, 0);
    assert.equal(costs.byAgent['reviewer']!.promptTokens, 500);
  });
});
