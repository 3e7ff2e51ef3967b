// A scripted OpenAI-compatible Chat Completions server for tests: real HTTP on 127.0.0.1, so the real
// @langchain/openai client (retries, SSE parsing, structured output) is what gets exercised.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { Exchange, noRuleMatched } from './fakeOpenAIFaults';
import type { Fault } from './fakeOpenAIFaults';
import { errorBody, forcedFunctionName, lastMessageText, messageText, parseChatRequest } from './fakeOpenAIWire';
import type { AssistantTurn, ChatRequest, MessageRole, ResponseFormatType } from './fakeOpenAIWire';

export { noRuleMatched } from './fakeOpenAIFaults';
export type { Fault, FaultKind } from './fakeOpenAIFaults';
export type { ChatMessage, ChatRequest } from './fakeOpenAIWire';

export type ToolCallReply =
  | { readonly name: string; readonly args: Readonly<Record<string, unknown>>; readonly id?: string }
  /** Arguments sent verbatim, for arguments that are not valid JSON. */
  | { readonly name: string; readonly rawArguments: string; readonly id?: string };

/** What a reply's usage adds to the counts the server estimates. */
export interface ReplyUsage {
  /** Sent as usage.prompt_tokens_details.cached_tokens (capped at the prompt's tokens), streamed or not. */
  readonly cachedPromptTokens?: number;
}

export type Reply =
  | ({ readonly text: string } & ReplyUsage)
  | ({ readonly toolCalls: readonly ToolCallReply[]; readonly text?: string } & ReplyUsage)
  /**
   * Structured output: the JSON becomes the message content when the request asks for a response_format, and
   * the arguments of the forced function when it forces one (withStructuredOutput's two methods), so one rule
   * serves both.
   */
  | ({ readonly json: unknown } & ReplyUsage)
  | { readonly fault: Fault };

export type ReplyFunction = (request: ChatRequest) => Reply | Promise<Reply>;

/** Every condition given must hold. */
export interface MatchOn {
  readonly lastUserIncludes?: string;
  readonly anyMessageIncludes?: string;
  readonly systemIncludes?: string;
  readonly hasTool?: string;
  readonly model?: string;
  /** e.g. 'tool' to answer the turn that follows a tool result. */
  readonly lastRole?: MessageRole;
  readonly stream?: boolean;
  readonly responseFormat?: ResponseFormatType;
}

export type Matcher = MatchOn | ((request: ChatRequest) => boolean);

export interface Rule {
  /** Shown in `handledBy` and unconsumedRules(); defaults to the rule's position. */
  readonly name?: string;
  /** Absent: matches every request. */
  readonly match?: Matcher;
  readonly reply: Reply | ReplyFunction;
  /** Used this many times, then skipped, so a conversation can be scripted turn by turn. */
  readonly times?: number;
  /** Overrides the server's latencyMs. */
  readonly latencyMs?: number;
}

export interface FakeOpenAIOptions {
  readonly rules?: readonly Rule[];
  /** Reply when no rule matches. Default: noRuleMatched(), a 400 with code `no_rule_matched`. */
  readonly fallback?: Reply | ReplyFunction;
  /** Delay before each reply, e.g. 200 for a realistic model in benchmarks. */
  readonly latencyMs?: number;
  /** false: answer response_format json_schema with a 400, like servers without structured outputs. */
  readonly supportsJsonSchema?: boolean;
  /** Listed by GET /v1/models. */
  readonly models?: readonly string[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The parsed chat request; undefined for other endpoints and for bodies the server rejected. */
  readonly body: ChatRequest | undefined;
  readonly receivedAt: Date;
  /** Rule name, `failNext:<kind>`, `fallback`, `noRuleMatched`, `jsonSchemaRejected`, `invalidRequest` or `models`. */
  readonly handledBy: string;
}

export type RecordedChatRequest = RecordedRequest & { readonly body: ChatRequest };

interface RuleState {
  readonly rule: Rule;
  readonly name: string;
  uses: number;
}

interface Decision {
  readonly handledBy: string;
  readonly reply: Reply | ReplyFunction;
  readonly latencyMs: number;
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const server = new FakeOpenAI(options);
  await server.listen();
  return server;
}

export class FakeOpenAI {
  private readonly http: Server;
  private rules: RuleState[] = [];
  private recorded: RecordedRequest[] = [];
  private pendingFaults: Fault[] = [];
  private active = 0;
  private waiters: (() => void)[] = [];
  private sequence = 0;
  private closing: Promise<void> | undefined;
  private port = 0;

  constructor(private readonly options: FakeOpenAIOptions) {
    this.reset();
    this.http = createServer((req, res) => void this.handle(req, res));
  }

  /** e.g. http://127.0.0.1:PORT/v1, what ChatOpenAI takes as configuration.baseURL. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  get requests(): readonly RecordedRequest[] {
    return [...this.recorded];
  }

  get chatRequests(): readonly RecordedChatRequest[] {
    return this.recorded.filter((request): request is RecordedChatRequest => request.body !== undefined);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.http.address();
    if (address === null || typeof address === 'string') throw new Error('fakeOpenAI: expected a TCP address');
    this.port = address.port;
  }

  addRule(...rules: Rule[]): void {
    for (const rule of rules) this.rules.push({ rule, name: rule.name ?? `rule ${this.rules.length}`, uses: 0 });
  }

  /** The next `count` chat requests get this fault whatever the rules say; the rules are not used up. */
  failNext(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.pendingFaults.push(fault);
  }

  /** Resolves once `count` requests have been recorded since the last clear(). */
  waitForRequests(count: number): Promise<readonly RecordedRequest[]> {
    return this.until(() => this.recorded.length >= count).then(() => this.requests);
  }

  /** Resolves when no request is being answered, delayed or held open: after an abort, nothing is left ticking. */
  waitForIdle(): Promise<void> {
    return this.until(() => this.active === 0);
  }

  /** Rules that were never used, or not as many `times` as scripted: a script the code under test did not follow. */
  unconsumedRules(): string[] {
    return this.rules.filter(({ rule, uses }) => (rule.times === undefined ? uses === 0 : uses < rule.times)).map(({ name }) => name);
  }

  /** Forgets recorded requests; rules and pending faults stay. */
  clear(): void {
    this.recorded = [];
  }

  /** Back to the rules given at start, with fresh `times` counts, no pending faults and no recorded requests. */
  reset(): void {
    this.rules = [];
    this.pendingFaults = [];
    this.clear();
    this.addRule(...(this.options.rules ?? []));
  }

  /** Ends every connection, hanging ones included, so a test's after hook never waits on a stuck request. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      this.http.close((error) => (error === undefined ? resolve() : reject(error)));
      this.http.closeAllConnections();
    });
    return this.closing;
  }

  private until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!condition()) return;
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.active++;
    const clientGone = new AbortController();
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    void closed.then(() => clientGone.abort());
    try {
      await this.respond(req, res, clientGone.signal);
      // Held until the socket is done with, so waitForIdle() also covers hanging and streaming replies.
      await closed;
    } catch (error) {
      // Usually a reply function that threw: a test bug, so say so instead of leaving the client hanging. A 4xx
      // for the reason noRuleMatched gives: a retried 5xx would hide the message behind a timeout.
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' });
      if (!res.writableEnded) res.end(JSON.stringify(errorBody(`fakeOpenAI failed to reply: ${String(error)}`, 'fake_server_error', null, 'reply_failed')));
    } finally {
      this.active--;
      this.notify();
    }
  }

  private async respond(req: IncomingMessage, res: ServerResponse, clientGone: AbortSignal): Promise<void> {
    const rawBody = await readBody(req);
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const record = (handledBy: string, body: ChatRequest | undefined): void => {
      this.recorded.push({ method, path, headers: req.headers, rawBody, body, receivedAt: new Date(), handledBy });
      this.notify();
    };
    const sendJson = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };

    if (method === 'GET' && path === '/v1/models') {
      // Faults apply here too, so a setup check can meet a rejected key or a hanging server.
      const fault = this.pendingFaults.shift();
      record(fault ? `failNext:${fault.kind}` : 'models', undefined);
      if (fault) {
        const meta = { id: `models-fake-${++this.sequence}`, created: Math.floor(Date.now() / 1000), model: 'none' };
        new Exchange({ model: 'none', messages: [] }, res, meta, () => this.toolCallId()).fault(fault);
        return;
      }
      const models = this.options.models ?? ['gpt-4o-mini'];
      sendJson(200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake-openai' })) });
      return;
    }
    if (method !== 'POST' || path !== '/v1/chat/completions') {
      record('unknownUrl', undefined);
      sendJson(404, errorBody(`Unknown request URL: ${method} ${path}.`, 'invalid_request_error', null, 'unknown_url'));
      return;
    }
    const parsed = parseChatRequest(rawBody);
    if (!parsed.success) {
      record('invalidRequest', undefined);
      sendJson(400, errorBody(parsed.message, 'invalid_request_error'));
      return;
    }
    const request = parsed.data;
    const decision = this.decide(request);
    record(decision.handledBy, request);

    if (decision.latencyMs > 0) {
      try {
        await delay(decision.latencyMs, undefined, { signal: clientGone });
      } catch {
        return; // The client left; answering now would write to a dead socket.
      }
    }
    const reply = typeof decision.reply === 'function' ? await decision.reply(request) : decision.reply;
    const meta = { id: `chatcmpl-fake-${++this.sequence}`, created: Math.floor(Date.now() / 1000), model: request.model };
    const exchange = new Exchange(request, res, meta, () => this.toolCallId());
    if ('fault' in reply) exchange.fault(reply.fault);
    else exchange.sendTurn(this.turnFor(reply, request));
  }

  private decide(request: ChatRequest): Decision {
    const serverLatency = this.options.latencyMs ?? 0;
    const fault = this.pendingFaults.shift();
    if (fault !== undefined) return { handledBy: `failNext:${fault.kind}`, reply: { fault }, latencyMs: serverLatency };
    if (this.options.supportsJsonSchema === false && request.response_format?.type === 'json_schema') {
      const message = "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.";
      const refusal: Fault = { kind: 'httpError', status: 400, message, param: 'response_format' };
      return { handledBy: 'jsonSchemaRejected', reply: { fault: refusal }, latencyMs: serverLatency };
    }
    for (const state of this.rules) {
      if (state.rule.times !== undefined && state.uses >= state.rule.times) continue;
      if (!matches(state.rule.match, request)) continue;
      state.uses++;
      return { handledBy: state.name, reply: state.rule.reply, latencyMs: state.rule.latencyMs ?? serverLatency };
    }
    if (this.options.fallback !== undefined) return { handledBy: 'fallback', reply: this.options.fallback, latencyMs: serverLatency };
    return { handledBy: 'noRuleMatched', reply: { fault: noRuleMatched(request) }, latencyMs: 0 };
  }

  /** Unique per server, so a conversation's tool results always point at the right call. */
  private toolCallId(): string {
    return `call_fake_${++this.sequence}`;
  }

  private turnFor(reply: Exclude<Reply, { fault: Fault }>, request: ChatRequest): AssistantTurn {
    const turn = this.contentFor(reply, request);
    return reply.cachedPromptTokens === undefined ? turn : { ...turn, cachedPromptTokens: reply.cachedPromptTokens };
  }

  private contentFor(reply: Exclude<Reply, { fault: Fault }>, request: ChatRequest): AssistantTurn {
    const callId = (): string => this.toolCallId();
    if ('json' in reply) {
      const json = JSON.stringify(reply.json);
      const forced = forcedFunctionName(request);
      if (request.response_format === undefined && forced !== undefined) {
        return { content: null, toolCalls: [{ id: callId(), name: forced, arguments: json }] };
      }
      return { content: json, toolCalls: [] };
    }
    if ('toolCalls' in reply) {
      const toolCalls = reply.toolCalls.map((call) => ({
        id: call.id ?? callId(),
        name: call.name,
        arguments: 'rawArguments' in call ? call.rawArguments : JSON.stringify(call.args),
      }));
      return { content: reply.text ?? null, toolCalls };
    }
    return { content: reply.text, toolCalls: [] };
  }
}

function matches(matcher: Matcher | undefined, request: ChatRequest): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === 'function') return matcher(request);
  const { lastUserIncludes, anyMessageIncludes, systemIncludes, hasTool, model, lastRole, stream, responseFormat } = matcher;
  const anyMessage = (text: string, roles?: readonly MessageRole[]): boolean =>
    request.messages.some((message) => (roles?.includes(message.role) ?? true) && messageText(message).includes(text));
  return (
    (lastUserIncludes === undefined || lastMessageText(request, ['user']).includes(lastUserIncludes)) &&
    (anyMessageIncludes === undefined || anyMessage(anyMessageIncludes)) &&
    (systemIncludes === undefined || anyMessage(systemIncludes, ['system', 'developer'])) &&
    (hasTool === undefined || (request.tools ?? []).some((tool) => tool.function.name === hasTool)) &&
    (model === undefined || request.model === model) &&
    (lastRole === undefined || request.messages.at(-1)?.role === lastRole) &&
    (stream === undefined || (request.stream === true) === stream) &&
    (responseFormat === undefined || (request.response_format?.type ?? 'text') === responseFormat)
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
