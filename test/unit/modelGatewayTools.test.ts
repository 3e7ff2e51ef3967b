import assert from 'node:assert/strict';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { allTools, definitionsFor, toolsFor } from '../../src/core/agents/tools/registry';
import { Pricing } from '../../src/core/cost/pricing';
import { EventBus } from '../../src/core/events/eventBus';
import { ModelGateway } from '../../src/core/models/modelGateway';
import type { ToolDefinition } from '../../src/core/models/modelGateway';
import { RateLimiter } from '../../src/core/models/rateLimiter';

// Binding tools makes a new chat model (and, on its first call, a new HTTP client): an agent's steps reuse one.

describe('model gateway: tools bound once per tool list', () => {
  const binds: { tools: unknown[]; options: unknown }[] = [];
  const reply = async () => new AIMessage({ content: 'ok', usage_metadata: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } });
  const model = { invoke: reply, bindTools: (tools: unknown[], options: unknown) => (binds.push({ tools, options }), { invoke: reply }) };
  const ctx = { workflowId: 'wf-1', agentId: 'coder', taskId: 't1' };
  const ask = [new HumanMessage('hello')];
  let gateway: ModelGateway;

  beforeEach(async () => {
    binds.length = 0;
    gateway = new ModelGateway({
      bus: new EventBus(), limiter: new RateLimiter(100_000), pricing: await Pricing.load({}), defaultModel: 'test-model',
      createModel: () => model as unknown as BaseChatModel,
    });
  });

  it('binds an agent\'s tool list once, whatever the number of calls', async () => {
    const definitions = definitionsFor(toolsFor(['read_file', 'write_file', 'finish']));
    for (let i = 0; i < 3; i++) assert.equal((await gateway.chat(ctx, ask, definitions)).content, 'ok');
    assert.equal(binds.length, 1);
    assert.deepEqual(binds[0]!.tools.map((t) => (t as ToolDefinition).function.name), ['read_file', 'write_file', 'finish']);
    await gateway.chat({ ...ctx, model: 'other-model' }, ask, definitions);
    assert.equal(binds.length, 2, 'another model gets its own binding');
  });

  it('binds again for another list, and every time when the call has options of its own', async () => {
    const one: ToolDefinition[] = [{ type: 'function', function: { name: 'plan', description: 'the plan', parameters: {} } }];
    const options = { tool_choice: { type: 'function', function: { name: 'plan' } } };
    await gateway.chat(ctx, ask, one, options);
    await gateway.chat(ctx, ask, one, options);
    assert.deepEqual(binds.map((b) => b.options), [options, options]);
    await gateway.chat(ctx, ask, [...one]);
    assert.equal(binds.length, 3);
  });

  it('makes each list of definitions once', () => {
    assert.equal(definitionsFor(toolsFor(['write_file', 'read_file'])), definitionsFor(toolsFor(['read_file', 'write_file'])));
    assert.notEqual(definitionsFor(allTools), definitionsFor(toolsFor(['read_file'])));
    assert.ok(Object.isFrozen(definitionsFor(allTools)));
  });
});
