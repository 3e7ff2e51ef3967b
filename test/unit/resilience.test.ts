import assert from 'node:assert/strict';
import { HumanMessage } from '@langchain/core/messages';
import { APIError } from 'openai';
import { Pricing } from '../../src/core/cost/pricing';
import { BatonError } from '../../src/core/errors';
import { EventBus } from '../../src/core/events/eventBus';
import type { BatonEvent } from '../../src/core/events/events';
import { createChatModel } from '../../src/core/models/chatModel';
import { ModelGateway } from '../../src/core/models/modelGateway';
import { RateLimiter } from '../../src/core/models/rateLimiter';
import { describeFailure, parseRetryAfter } from '../../src/core/resilience/modelFailure';
import type { ResilienceOptions } from '../../src/core/resilience/resilienceOptions';
import { retryAfterBackoff } from '../../src/core/resilience/retryBackoff';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';

// The resilience layer against real HTTP: the real @langchain/openai client, the fake server's faults.

const fast: Partial<ResilienceOptions> = { initialDelayMs: 1, maxDelayMs: 5 };
const ctx = { workflowId: 'wf-1', agentId: 'coder', taskId: 't1' };
const ask = [new HumanMessage('hello')];

async function gatewayFor(server: FakeOpenAI, resilience: Partial<ResilienceOptions> = {}) {
  const bus = new EventBus();
  const events: BatonEvent[] = [];
  bus.on('*', (e) => void events.push(e));
  const endpoint = { baseUrl: server.baseUrl, model: 'test-model', apiKey: 'test-key' };
  const gateway = new ModelGateway({
    bus,
    limiter: new RateLimiter(100_000),
    pricing: await Pricing.load({}),
    defaultModel: 'test-model',
    createModel: (model) => createChatModel(endpoint, model),
    resilience: { ...fast, ...resilience },
  });
  const of = <T extends BatonEvent['type']>(type: T) => events.filter((e) => e.type === type) as Extract<BatonEvent, { type: T }>[];
  return { gateway, bus, events, of };
}

async function rejection(p: Promise<unknown>): Promise<BatonError> {
  const e = await p.then(() => undefined, (error: unknown) => error);
  assert.ok(e instanceof BatonError, `expected a BatonError, got ${String(e)}`);
  return e;
}

describe('resilience: model calls', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('retries a 429, a 503 and a cut connection, one request per attempt (LangChain does not retry as well)', async () => {
    server = await startFakeOpenAI({ fallback: { text: 'hello back' } });
    const { gateway, of } = await gatewayFor(server);
    server.failNext({ kind: 'rateLimited', retryAfterSeconds: 1 });
    server.failNext({ kind: 'serverError', status: 503 });
    server.failNext({ kind: 'cutStream' });
    const reply = await gateway.chat(ctx, ask);
    assert.equal(reply.content, 'hello back');
    assert.deepEqual(server.chatRequests.map((r) => r.handledBy), ['failNext:rateLimited', 'failNext:serverError', 'failNext:cutStream', 'fallback']);
    assert.equal(of('cost.recorded').length, 1, 'only the answered request is paid for');
  });

  it('aborts a hanging request at the call timeout and retries it', async () => {
    server = await startFakeOpenAI({ fallback: { text: 'late but here' } });
    const { gateway } = await gatewayFor(server, { callTimeoutMs: 1000 });
    server.failNext({ kind: 'hang' });
    const reply = await gateway.chat(ctx, ask);
    assert.equal(reply.content, 'late but here');
    assert.equal(server.chatRequests.length, 2);
    await server.waitForIdle(); // the hanging request's connection was closed by the client, not left open
  });

  it('gives up after the configured retries with an error that says what to do', async () => {
    server = await startFakeOpenAI({ fallback: { text: 'never' } });
    const { gateway } = await gatewayFor(server, { maxRetries: 2 });
    server.failNext({ kind: 'serverError', status: 500 }, 10);
    const e = await rejection(gateway.chat(ctx, ask));
    assert.equal(server.chatRequests.length, 3);
    assert.match(e.describe(), /The model call to test-model failed after 3 attempts \(HTTP 500\): The server had an error.*Check the endpoint with baton doctor, add models to baton\.model\.fallbacks/);
  });

  for (const status of [401, 403]) {
    it(`does not retry a rejected key (${status}) and says how to set one`, async () => {
      server = await startFakeOpenAI({ fallback: { text: 'never' } });
      const { gateway, of } = await gatewayFor(server, { fallbackModels: ['backup-model'] });
      server.failNext({ kind: 'httpError', status, message: 'Incorrect API key provided.' });
      const e = await rejection(gateway.chat(ctx, ask));
      assert.equal(e.describe(), `The API key was rejected (${status}): run “Baton: Set API Key” or set BATON_API_KEY.`);
      assert.equal(server.chatRequests.length, 1, 'no retry, no fallback model: the same key would be rejected again');
      assert.equal(of('model.fallback').length, 0);
    });
  }

  it('does not retry a 400 context_length_exceeded, and says the context is too long', async () => {
    server = await startFakeOpenAI({ fallback: { text: 'never' } });
    const { gateway } = await gatewayFor(server);
    server.failNext({ kind: 'contextLengthExceeded', contextWindow: 8192 });
    const e = await rejection(gateway.chat(ctx, ask));
    assert.match(e.describe(), /^context too long: This model's maximum context length is 8192 tokens\..* Split the task into smaller ones/);
    assert.equal(server.chatRequests.length, 1);
  });

  it('does not retry another 400, and keeps the provider\'s words', async () => {
    server = await startFakeOpenAI({ fallback: { text: 'never' } });
    const { gateway } = await gatewayFor(server);
    server.failNext({ kind: 'httpError', status: 400, message: "Invalid value for 'temperature'." });
    const e = await rejection(gateway.chat(ctx, ask));
    assert.equal(e.message, "The model endpoint refused the request to test-model (HTTP 400): Invalid value for 'temperature'.");
    assert.equal(server.chatRequests.length, 1);
  });

  it('a cancel during a backoff wait ends the call at once, without another request', async function () {
    this.timeout(10_000); // the backoff below is a minute: only a prompt cancel passes
    server = await startFakeOpenAI({ fallback: { text: 'never' } });
    const { gateway } = await gatewayFor(server, { initialDelayMs: 60_000, maxDelayMs: 60_000 });
    server.failNext({ kind: 'serverError', status: 502 });
    const cancel = new AbortController();
    const call = rejection(gateway.chat({ ...ctx, signal: cancel.signal }, ask));
    await server.waitForRequests(1);
    cancel.abort();
    assert.equal((await call).kind, 'cancelled');
    assert.equal(server.chatRequests.length, 1);
  });
});

describe('resilience: Retry-After', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());
  const backoff = (error: unknown, maxDelayMs = 60_000) =>
    retryAfterBackoff({ initialDelayMs: 1, maxDelayMs }, () => Date.parse('2026-11-29T12:00:00Z')).next({ attempt: 1, signal: new AbortController().signal, result: { error } }).duration;

  it('waits at least the seconds a 429 asks for (the real client\'s error), capped by maxDelayMs', async () => {
    server = await startFakeOpenAI();
    server.failNext({ kind: 'rateLimited', retryAfterSeconds: 7 });
    const model = createChatModel({ baseUrl: server.baseUrl, model: 'test-model', apiKey: 'k' }, 'test-model');
    const error = await model.invoke(ask).then(() => undefined, (e: unknown) => e);
    assert.equal(server.chatRequests.length, 1, 'the client itself does not retry');
    assert.equal(describeFailure(error).retryAfterMs, 7000);
    assert.equal(backoff(error), 7000);
    assert.equal(backoff(error, 50), 50);
  });

  it('reads Retry-After as an HTTP date too, and falls back to the exponential backoff without one', () => {
    const at = APIError.generate(503, { message: 'overloaded' }, undefined, new Headers({ 'retry-after': 'Sun, 29 Nov 2026 12:00:09 GMT' }));
    assert.equal(backoff(at), 9000);
    assert.equal(parseRetryAfter('Sun, 29 Nov 2026 11:59:00 GMT', Date.parse('2026-11-29T12:00:00Z')), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', 0), undefined);
    const none = APIError.generate(503, { message: 'overloaded' }, undefined, new Headers());
    assert.ok(backoff(none) < 1000, 'no header: the exponential backoff from initialDelayMs');
  });
});
