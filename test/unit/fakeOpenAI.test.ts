import assert from 'node:assert/strict';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import type { AIMessageChunk } from '@langchain/core/messages';
import type { ChatOpenAIFields } from '@langchain/openai';
import { z } from 'zod';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI, FakeOpenAIOptions } from '../support/fakeOpenAI';
import { estimateTokens } from '../support/fakeOpenAIWire';

const readFile = tool(async () => '', {
  name: 'read_file',
  description: 'Read a file of the repository.',
  schema: z.object({ path: z.string() }),
});
const writeFile = tool(async () => '', {
  name: 'write_file',
  description: 'Write a file of the repository.',
  schema: z.object({ path: z.string(), content: z.string() }),
});
const plan = z.object({ title: z.string(), steps: z.array(z.string()) });

/** Reads a property of an unknown error without trusting its class. */
function prop<K extends string>(value: unknown, key: K): unknown {
  return typeof value === 'object' && value !== null && key in value ? (value as Record<K, unknown>)[key] : undefined;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail, but it succeeded');
}

async function collect(stream: AsyncIterable<AIMessageChunk>): Promise<{ chunks: AIMessageChunk[]; message: AIMessageChunk }> {
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const [first, ...rest] = chunks;
  assert.ok(first !== undefined, 'the stream yielded no chunk');
  return { chunks, message: rest.reduce((sum, chunk) => sum.concat(chunk), first) };
}

describe('fakeOpenAI', () => {
  const servers: FakeOpenAI[] = [];
  async function serve(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
    const server = await startFakeOpenAI(options);
    servers.push(server);
    return server;
  }
  function chat(server: FakeOpenAI, fields: ChatOpenAIFields = {}): ChatOpenAI {
    return new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'test-key', configuration: { baseURL: server.baseUrl }, maxRetries: 0, ...fields });
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  describe('replies', () => {
    it('answers with the scripted text and approximate usage', async () => {
      const server = await serve({ rules: [{ reply: { text: 'Hello there, how are you today?' } }] });
      const message = await chat(server).invoke('Say hello to the team');
      assert.equal(message.content, 'Hello there, how are you today?');
      assert.equal(message.response_metadata['finish_reason'], 'stop');
      const prompt = estimateTokens('Say hello to the team');
      const completion = estimateTokens('Hello there, how are you today?');
      assert.equal(message.usage_metadata?.input_tokens, prompt);
      assert.equal(message.usage_metadata?.output_tokens, completion);
      assert.equal(message.usage_metadata?.total_tokens, prompt + completion);
    });

    it('streams text in several chunks, then usage when the client asks for it', async () => {
      const server = await serve({ rules: [{ reply: { text: 'One two three four five' } }] });
      const { chunks, message } = await collect(await chat(server).stream('Count to five'));
      assert.ok(chunks.filter((chunk) => chunk.content !== '').length > 1, 'the text arrived in one chunk');
      assert.equal(message.content, 'One two three four five');
      assert.equal(message.response_metadata['finish_reason'], 'stop');
      assert.deepEqual(
        [message.usage_metadata?.input_tokens, message.usage_metadata?.output_tokens],
        [estimateTokens('Count to five'), estimateTokens('One two three four five')],
      );
      const [request] = server.chatRequests;
      assert.equal(request?.body.stream, true);
      assert.deepEqual(request?.body.stream_options, { include_usage: true });
    });

    it('reports cached prompt tokens as prompt_tokens_details.cached_tokens, streamed or not, capped at the prompt', async () => {
      const prompt = 'Review this file: ' + 'const a = 1;\n'.repeat(400);
      const server = await serve({ rules: [{ match: { lastUserIncludes: 'tiny' }, reply: { text: 'ok', cachedPromptTokens: 1024 } }, { reply: { text: 'Looks fine.', cachedPromptTokens: 1024 } }] });
      const whole = await chat(server).invoke(prompt);
      const { message: streamed } = await collect(await chat(server).stream(prompt));
      for (const message of [whole, streamed]) {
        assert.equal(message.usage_metadata?.input_tokens, estimateTokens(prompt));
        assert.equal(message.usage_metadata?.input_token_details?.cache_read, 1024);
      }
      const raw = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tiny' }] }) });
      assert.deepEqual(prop(await raw.json(), 'usage'), { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, prompt_tokens_details: { cached_tokens: 1 } });
    });

    it('lists its models like /v1/models does', async () => {
      const server = await serve({ models: ['gpt-4o-mini', 'local-llama'] });
      const response = await fetch(`${server.baseUrl}/models`, { headers: { authorization: 'Bearer test-key' } });
      const body: unknown = await response.json();
      const data = prop(body, 'data');
      assert.ok(Array.isArray(data));
      assert.deepEqual(data.map((model: unknown) => prop(model, 'id')), ['gpt-4o-mini', 'local-llama']);
      assert.equal(server.requests[0]?.handledBy, 'models');
    });
  });

  describe('tool calls', () => {
    it('returns one tool call with its arguments', async () => {
      const server = await serve({ rules: [{ match: { hasTool: 'read_file' }, reply: { toolCalls: [{ name: 'read_file', args: { path: 'src/a.ts' } }] } }] });
      const message = await chat(server).bindTools([readFile, writeFile]).invoke('Open a.ts');
      assert.deepEqual(message.tool_calls?.map(({ name, args }) => ({ name, args })), [{ name: 'read_file', args: { path: 'src/a.ts' } }]);
      assert.equal(message.response_metadata['finish_reason'], 'tool_calls');
      assert.deepEqual(server.chatRequests[0]?.body.tools?.map((definition) => definition.function.name), ['read_file', 'write_file']);
    });

    it('returns parallel tool calls in one message, each with its own id', async () => {
      const server = await serve({
        rules: [{ reply: { toolCalls: [{ name: 'read_file', args: { path: 'a.ts' } }, { name: 'write_file', args: { path: 'b.ts', content: 'x' } }] } }],
      });
      const message = await chat(server).bindTools([readFile, writeFile]).invoke('Copy a.ts to b.ts');
      assert.deepEqual(message.tool_calls?.map(({ name, args }) => ({ name, args })), [
        { name: 'read_file', args: { path: 'a.ts' } },
        { name: 'write_file', args: { path: 'b.ts', content: 'x' } },
      ]);
      const ids = message.tool_calls?.map(({ id }) => id) ?? [];
      assert.equal(new Set(ids).size, 2, `tool call ids are not distinct: ${ids.join(', ')}`);
    });

    it('streams parallel tool calls as indexed deltas with arguments split across chunks', async () => {
      const server = await serve({
        rules: [{ reply: { toolCalls: [{ name: 'read_file', args: { path: 'a.ts' } }, { name: 'write_file', args: { path: 'b.ts', content: 'hello' } }] } }],
      });
      const { chunks, message } = await collect(await chat(server).bindTools([readFile, writeFile]).stream('Copy a.ts to b.ts'));
      const argumentPieces = chunks.flatMap((chunk) => chunk.tool_call_chunks ?? []).filter((piece) => piece.args !== undefined && piece.args !== '');
      assert.ok(argumentPieces.length > 2, `arguments came in only ${argumentPieces.length} pieces`);
      assert.deepEqual(message.tool_calls?.map(({ name, args }) => ({ name, args })), [
        { name: 'read_file', args: { path: 'a.ts' } },
        { name: 'write_file', args: { path: 'b.ts', content: 'hello' } },
      ]);
      assert.equal(message.response_metadata['finish_reason'], 'tool_calls');
      assert.ok(message.usage_metadata !== undefined && message.usage_metadata.output_tokens > 0);
    });
  });

  describe('structured output', () => {
    const reply = { json: { title: 'Ship it', steps: ['test', 'merge'] } };

    it('answers the json_schema method with JSON content the client parses', async () => {
      const server = await serve({ rules: [{ match: { responseFormat: 'json_schema' }, reply }] });
      const result = await chat(server).withStructuredOutput(plan, { name: 'plan', method: 'jsonSchema' }).invoke('Plan the release');
      assert.deepEqual(result, { title: 'Ship it', steps: ['test', 'merge'] });
      const format = server.chatRequests[0]?.body.response_format;
      assert.equal(format?.type, 'json_schema');
      assert.equal(format?.type === 'json_schema' ? format.json_schema.name : undefined, 'plan');
    });

    it('answers the function-calling method with a call to the forced function', async () => {
      const server = await serve({ rules: [{ match: { hasTool: 'plan' }, reply }] });
      const result = await chat(server).withStructuredOutput(plan, { name: 'plan', method: 'functionCalling' }).invoke('Plan the release');
      assert.deepEqual(result, { title: 'Ship it', steps: ['test', 'merge'] });
      assert.deepEqual(server.chatRequests[0]?.body.tool_choice, { type: 'function', function: { name: 'plan' } });
    });

    it('refuses json_schema with a 400 when configured like a server without structured outputs', async () => {
      const server = await serve({ supportsJsonSchema: false, rules: [{ reply }] });
      const error = await rejection(chat(server).withStructuredOutput(plan, { name: 'plan', method: 'jsonSchema' }).invoke('Plan the release'));
      assert.equal(prop(error, 'status'), 400);
      assert.equal(prop(error, 'param'), 'response_format');
      assert.equal(server.chatRequests[0]?.handledBy, 'jsonSchemaRejected');
      // The same server still serves the function-calling method, the usual fallback.
      const result = await chat(server).withStructuredOutput(plan, { name: 'plan', method: 'functionCalling' }).invoke('Plan the release');
      assert.deepEqual(result, { title: 'Ship it', steps: ['test', 'merge'] });
    });
  });

  describe('rules and recording', () => {
    it('plays a scripted conversation with `times` and records every request', async () => {
      const server = await serve({
        rules: [
          { name: 'decompose', match: { lastUserIncludes: 'decompose' }, times: 1, reply: { toolCalls: [{ name: 'write_file', args: { path: 'plan.md', content: '1. test' } }] } },
          { name: 'after tool', match: { lastRole: 'tool' }, times: 1, reply: { text: 'Plan written.' } },
          { name: 'again', match: { lastUserIncludes: 'decompose' }, reply: { text: 'Already decomposed.' } },
        ],
      });
      const model = chat(server).bindTools([writeFile]);
      const first = await model.invoke('Please decompose the task');
      const call = first.tool_calls?.[0];
      assert.ok(call?.id !== undefined);
      const second = await model.invoke([
        { role: 'user', content: 'Please decompose the task' },
        first,
        { role: 'tool', content: 'ok', tool_call_id: call.id },
      ]);
      assert.equal(second.content, 'Plan written.');
      const third = await model.invoke('Please decompose the task');
      assert.equal(third.content, 'Already decomposed.');

      assert.deepEqual(server.requests.map((request) => request.handledBy), ['decompose', 'after tool', 'again']);
      assert.deepEqual(server.unconsumedRules(), []);
      const [firstRequest, secondRequest] = server.chatRequests;
      assert.equal(firstRequest?.method, 'POST');
      assert.equal(firstRequest?.path, '/v1/chat/completions');
      assert.equal(firstRequest?.headers.authorization, 'Bearer test-key');
      assert.equal(firstRequest?.body.model, 'gpt-4o-mini');
      assert.equal(firstRequest?.body.stream, false);
      assert.deepEqual(firstRequest?.body.messages, [{ role: 'user', content: 'Please decompose the task' }]);
      assert.deepEqual(firstRequest?.body.tools?.map((definition) => definition.function.name), ['write_file']);
      assert.deepEqual(secondRequest?.body.messages.map((message) => message.role), ['user', 'assistant', 'tool']);
      assert.equal(secondRequest?.body.messages[1]?.tool_calls?.[0]?.id, call.id);
    });

    it('picks the first matching rule by model, tool, system text or predicate', async () => {
      const server = await serve({
        rules: [
          { match: { model: 'gpt-4o' }, reply: { text: 'big model' } },
          { match: { hasTool: 'read_file' }, reply: { text: 'has read_file' } },
          { match: { systemIncludes: 'reviewer' }, reply: { text: 'reviewer' } },
          { match: (request) => request.messages.length === 3, reply: (request) => ({ text: `saw ${request.messages.length} messages` }) },
          { reply: { text: 'anything else' } },
        ],
      });
      assert.equal((await chat(server, { model: 'gpt-4o' }).invoke('hi')).content, 'big model');
      assert.equal((await chat(server).bindTools([readFile]).invoke('hi')).content, 'has read_file');
      assert.equal((await chat(server).invoke([{ role: 'system', content: 'You are the reviewer.' }, { role: 'user', content: 'hi' }])).content, 'reviewer');
      assert.equal((await chat(server).invoke([{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }])).content, 'saw 3 messages');
      assert.equal((await chat(server).invoke('hi')).content, 'anything else');
    });

    it('fails loudly, without retries, when no rule matches', async () => {
      const server = await serve({ rules: [{ match: { lastUserIncludes: 'decompose' }, reply: { text: 'never' } }] });
      const error = await rejection(chat(server, { maxRetries: 3 }).invoke('Something unexpected'));
      assert.equal(prop(error, 'status'), 400);
      assert.equal(prop(error, 'code'), 'no_rule_matched');
      assert.match(String(prop(error, 'message')), /no rule matched.*Something unexpected/);
      assert.equal(server.requests.length, 1, 'the client retried the unmatched request');
      assert.deepEqual(server.unconsumedRules(), ['rule 0']);
    });

    it('answers with the error when a reply function throws, instead of hanging', async () => {
      const server = await serve({ rules: [{ reply: () => { throw new Error('script bug'); } }] });
      const error = await rejection(chat(server, { maxRetries: 3 }).invoke('hi'));
      assert.equal(prop(error, 'code'), 'reply_failed');
      assert.match(String(prop(error, 'message')), /script bug/);
      assert.equal(server.requests.length, 1);
    });

    it('uses the fallback reply when no rule matches and one is configured', async () => {
      const server = await serve({ fallback: { text: 'fallback answer' } });
      assert.equal((await chat(server).invoke('hi')).content, 'fallback answer');
      assert.equal(server.requests[0]?.handledBy, 'fallback');
    });

    it('clear() forgets requests; reset() also restores the scripted rules', async () => {
      const server = await serve({ rules: [{ name: 'once', times: 1, reply: { text: 'first' } }], fallback: { text: 'fallback' } });
      server.addRule({ name: 'added', reply: { text: 'added' } });
      assert.equal((await chat(server).invoke('hi')).content, 'first');
      server.clear();
      assert.deepEqual(server.requests, []);
      assert.equal((await chat(server).invoke('hi')).content, 'added');
      server.reset();
      assert.deepEqual(server.requests, []);
      assert.equal((await chat(server).invoke('hi')).content, 'first');
      assert.equal((await chat(server).invoke('hi')).content, 'fallback');
    });
  });

  describe('latency', () => {
    it('delays replies, and a per-rule latency overrides the server one', async () => {
      const server = await serve({
        latencyMs: 60_000,
        rules: [{ match: { lastUserIncludes: 'fast' }, latencyMs: 0, reply: { text: 'quick' } }, { reply: { text: 'slow' } }],
      });
      // Were latency ignored, the slow reply would arrive before the abort and the call would succeed.
      const controller = new AbortController();
      const slow = chat(server).invoke('slow please', { signal: controller.signal });
      await server.waitForRequests(1);
      assert.equal((await chat(server).invoke('fast please')).content, 'quick');
      controller.abort();
      const error = await rejection(slow);
      assert.equal(prop(error, 'name'), 'AbortError');
    });

    it('drops the pending delay when the client disconnects', async () => {
      const server = await serve({ latencyMs: 60_000, rules: [{ reply: { text: 'too late' } }] });
      const controller = new AbortController();
      const call = chat(server).invoke('hi', { signal: controller.signal });
      await server.waitForRequests(1);
      controller.abort();
      await rejection(call);
      // A timer left running would keep the exchange open for a minute and time this test out.
      await server.waitForIdle();
    });
  });

  describe('faults', () => {
    it('429 surfaces as a rate-limit error with Retry-After when the client does not retry', async () => {
      const server = await serve({ rules: [{ reply: { text: 'ok' } }] });
      server.failNext({ kind: 'rateLimited', retryAfterSeconds: 1 });
      const error = await rejection(chat(server).invoke('hi'));
      assert.equal(prop(error, 'status'), 429);
      assert.equal(prop(error, 'code'), 'rate_limit_exceeded');
      assert.equal(prop(error, 'lc_error_code'), 'MODEL_RATE_LIMIT');
      assert.equal(prop(error, 'retryAfterMs'), 1000);
    });

    it('429 then success when the client retries, without using up the rule', async () => {
      const server = await serve({ rules: [{ times: 1, reply: { text: 'after the wait' } }] });
      server.failNext({ kind: 'rateLimited', retryAfterSeconds: 1 });
      const message = await chat(server, { maxRetries: 1 }).invoke('hi');
      assert.equal(message.content, 'after the wait');
      assert.deepEqual(server.requests.map((request) => request.handledBy), ['failNext:rateLimited', 'rule 0']);
    });

    it('failNext(fault, n) fails the next n requests only', async () => {
      const server = await serve({ rules: [{ reply: { text: 'ok' } }] });
      server.failNext({ kind: 'serverError', status: 503 }, 2);
      for (let i = 0; i < 2; i++) assert.equal(prop(await rejection(chat(server).invoke('hi')), 'status'), 503);
      assert.equal((await chat(server).invoke('hi')).content, 'ok');
    });

    for (const status of [500, 503] as const) {
      it(`${status} surfaces with its status and OpenAI's error type`, async () => {
        const server = await serve({ rules: [{ reply: { fault: { kind: 'serverError', status } } }] });
        const error = await rejection(chat(server).invoke('hi'));
        assert.equal(prop(error, 'status'), status);
        assert.equal(prop(error, 'type'), 'server_error');
      });
    }

    it('a hang ends in the client timeout', async () => {
      const server = await serve({ rules: [{ reply: { fault: { kind: 'hang' } } }] });
      const error = await rejection(chat(server, { timeout: 200 }).invoke('hi'));
      assert.equal(prop(error, 'name'), 'TimeoutError');
    });

    it('close() ends a hanging request instead of waiting for it', async () => {
      const server = await serve({ rules: [{ reply: { fault: { kind: 'hang' } } }] });
      const call = chat(server).invoke('hi');
      await server.waitForRequests(1);
      await server.close();
      const error = await rejection(call);
      assert.equal(prop(error, 'name'), 'Error');
      assert.match(String(prop(error, 'message')), /Connection error/);
    });

    it('a stream that stalls mid-answer can be aborted by the client', async () => {
      const server = await serve({ rules: [{ reply: { fault: { kind: 'hang', afterChunks: 2 } } }] });
      const controller = new AbortController();
      const received: string[] = [];
      const error = await rejection(
        (async () => {
          for await (const chunk of await chat(server).stream('hi', { signal: controller.signal })) {
            if (typeof chunk.content === 'string' && chunk.content !== '') {
              received.push(chunk.content);
              controller.abort();
            }
          }
        })(),
      );
      assert.deepEqual(received, ['Thinking ']);
      assert.match(String(prop(error, 'message')), /abort/i);
      await server.waitForIdle();
    });

    it('a stream cut by a reset connection throws after the partial content', async () => {
      const server = await serve({ rules: [{ reply: { fault: { kind: 'cutStream', text: 'Half an answer' } } }] });
      const received: string[] = [];
      const error = await rejection(
        (async () => {
          for await (const chunk of await chat(server).stream('hi')) if (typeof chunk.content === 'string') received.push(chunk.content);
        })(),
      );
      assert.equal(received.join(''), 'Half an answer');
      assert.equal(prop(error, 'message'), 'terminated');
    });

    it('a stream ended early but cleanly finishes without finish_reason or usage', async () => {
      const server = await serve({ rules: [{ reply: { fault: { kind: 'cutStream', text: 'Half an answer', how: 'end' } } }] });
      const { message } = await collect(await chat(server).stream('hi'));
      assert.equal(message.content, 'Half an answer');
      assert.equal(message.response_metadata['finish_reason'], undefined);
      assert.equal(message.usage_metadata, undefined);
    });

    it('malformed tool-call arguments land in invalid_tool_calls', async () => {
      const server = await serve({ rules: [{ reply: { fault: { kind: 'malformedToolArguments' } } }] });
      const message = await chat(server).bindTools([writeFile]).invoke('Write it');
      assert.deepEqual(message.tool_calls, []);
      assert.equal(message.invalid_tool_calls?.[0]?.name, 'write_file');
      assert.throws(() => JSON.parse(message.invalid_tool_calls?.[0]?.args ?? ''), SyntaxError);
    });

    it('malformed tool-call arguments land in invalid_tool_calls when streamed too', async () => {
      const server = await serve({ rules: [{ reply: { fault: { kind: 'malformedToolArguments' } } }] });
      const { message } = await collect(await chat(server).bindTools([writeFile]).stream('Write it'));
      assert.deepEqual(message.tool_calls, []);
      assert.equal(message.invalid_tool_calls?.[0]?.name, 'write_file');
    });

    it('context_length_exceeded surfaces as a 400 with its code', async () => {
      const server = await serve({ rules: [{ reply: { fault: { kind: 'contextLengthExceeded', contextWindow: 8192 } } }] });
      const error = await rejection(chat(server, { maxRetries: 2 }).invoke('a very long conversation'));
      // LangChain wraps it in a ContextOverflowError; the HTTP details stay on the cause.
      assert.equal(prop(error, 'name'), 'ContextOverflowError');
      assert.match(String(prop(error, 'message')), /maximum context length is 8192 tokens/);
      const cause = prop(error, 'cause');
      assert.equal(prop(cause, 'status'), 400);
      assert.equal(prop(cause, 'code'), 'context_length_exceeded');
      assert.equal(prop(cause, 'param'), 'messages');
      assert.equal(server.requests.length, 1, 'the client retried a request that cannot succeed');
    });
  });
});
