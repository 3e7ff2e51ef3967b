// Writing one reply onto the socket, well-formed or deliberately broken. Faults live next to the normal
// writers because most of them are a normal reply interrupted at a chosen point.
import type { ServerResponse } from 'node:http';
import {
  completionBody,
  errorBody,
  lastMessageText,
  promptTokens,
  streamPlan,
  usageFor,
  type AssistantTurn,
  type ChatRequest,
  type ChunkBody,
  type OpenAIErrorBody,
  type ReplyMeta,
} from './fakeOpenAIWire';

export type Fault =
  /** 429 with OpenAI's rate-limit body; `retryAfterSeconds: null` leaves out the header, as local servers do. */
  | { kind: 'rateLimited'; retryAfterSeconds?: number | null }
  | { kind: 'serverError'; status?: 500 | 502 | 503 }
  | { kind: 'httpError'; status: number; message?: string; type?: string; param?: string | null; code?: string | null }
  /** 400 `context_length_exceeded`, the error a conversation that outgrew the model gets. */
  | { kind: 'contextLengthExceeded'; contextWindow?: number }
  /**
   * Accepts the request and never finishes it, until the client gives up or the server closes. With
   * `afterChunks` a streamed reply sends that many chunks first, like a model that stalls mid-answer.
   */
  | { kind: 'hang'; afterChunks?: number }
  /**
   * A stream that stops early: some content, then no finish_reason, no usage and no [DONE]. `how: 'destroy'`
   * (default) resets the connection, `how: 'end'` ends the response cleanly as a proxy timing out might.
   */
  | { kind: 'cutStream'; text?: string; afterChunks?: number; how?: 'destroy' | 'end' }
  /** A tool call whose arguments are not JSON; the tool is the request's first unless `name` says otherwise. */
  | { kind: 'malformedToolArguments'; name?: string; rawArguments?: string };

export type FaultKind = Fault['kind'];

const serverErrorMessages: Record<500 | 502 | 503, string> = {
  500: 'The server had an error while processing your request. Sorry about that!',
  502: 'Bad gateway.',
  503: 'The engine is currently overloaded, please try again later.',
};

/** One request's reply: how it is framed (JSON or SSE, with or without usage) comes from the request. */
export class Exchange {
  constructor(
    readonly request: ChatRequest,
    private readonly res: ServerResponse,
    private readonly meta: ReplyMeta,
    private readonly nextToolCallId: () => string,
  ) {}

  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.res.writeHead(status, { 'content-type': 'application/json', ...headers });
    this.res.end(JSON.stringify(body));
  }

  sendError(status: number, body: OpenAIErrorBody, headers: Record<string, string> = {}): void {
    this.sendJson(status, body, headers);
  }

  sendTurn(turn: AssistantTurn): void {
    if (this.request.stream !== true) {
      this.sendJson(200, completionBody(turn, this.meta, usageFor(this.request, turn)));
      return;
    }
    const plan = this.plan(turn);
    this.startStream();
    for (const chunk of [...plan.deltas, plan.finish]) this.writeChunk(chunk);
    if (plan.usage !== undefined) this.writeChunk(plan.usage);
    this.res.end('data: [DONE]\n\n');
  }

  fault(fault: Fault): void {
    switch (fault.kind) {
      case 'rateLimited': {
        const seconds = fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;
        const message =
          `Rate limit reached for ${this.request.model} on requests per min (RPM): Limit 3, Used 3, Requested 1.` +
          (seconds === null ? '' : ` Please try again in ${seconds}s.`);
        this.sendError(429, errorBody(message, 'requests', null, 'rate_limit_exceeded'), seconds === null ? {} : { 'retry-after': String(seconds) });
        return;
      }
      case 'serverError': {
        const status = fault.status ?? 500;
        this.sendError(status, errorBody(serverErrorMessages[status], 'server_error'));
        return;
      }
      case 'httpError':
        this.sendError(
          fault.status,
          errorBody(fault.message ?? `Injected HTTP ${fault.status}.`, fault.type ?? 'invalid_request_error', fault.param ?? null, fault.code ?? null),
        );
        return;
      case 'contextLengthExceeded': {
        const window = fault.contextWindow ?? 128_000;
        const used = Math.max(promptTokens(this.request), window + 1);
        const message =
          `This model's maximum context length is ${window} tokens. However, your messages resulted in ${used} tokens. ` +
          'Please reduce the length of the messages.';
        this.sendError(400, errorBody(message, 'invalid_request_error', 'messages', 'context_length_exceeded'));
        return;
      }
      case 'hang':
        // Nothing to schedule: the socket stays open until the client aborts or close() destroys it.
        if (this.request.stream === true && fault.afterChunks !== undefined) {
          this.startStream();
          const plan = this.plan({ content: 'Thinking about it and', toolCalls: [] });
          for (const chunk of plan.deltas.slice(0, fault.afterChunks)) this.writeChunk(chunk);
        }
        return;
      case 'cutStream':
        this.cut(fault.text ?? 'This answer stops in the middle of a', fault.afterChunks, fault.how ?? 'destroy');
        return;
      case 'malformedToolArguments': {
        const name = fault.name ?? this.request.tools?.[0]?.function.name ?? 'unknown_tool';
        // Missing comma: not repairable as truncated JSON, so clients cannot quietly "fix" it while streaming.
        const rawArguments = fault.rawArguments ?? '{"path": "src/index.ts" "content": "export {};"}';
        this.sendTurn({ content: null, toolCalls: [{ id: this.nextToolCallId(), name, arguments: rawArguments }] });
        return;
      }
    }
  }

  private cut(text: string, afterChunks: number | undefined, how: 'destroy' | 'end'): void {
    const turn: AssistantTurn = { content: text, toolCalls: [] };
    let partial: string;
    if (this.request.stream === true) {
      const { deltas } = this.plan(turn);
      this.startStream();
      partial = deltas
        .slice(0, afterChunks ?? deltas.length)
        .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
        .join('');
    } else {
      // A non-streamed reply can only be cut inside its JSON body.
      const body = JSON.stringify(completionBody(turn, this.meta, usageFor(this.request, turn)));
      this.res.writeHead(200, { 'content-type': 'application/json' });
      partial = body.slice(0, Math.floor(body.length / 2));
    }
    if (how === 'end') {
      this.res.end(partial);
      return;
    }
    // Destroy only once the partial reply has reached the socket, or the client would see no content at all.
    this.res.write(partial, () => this.res.destroy());
  }

  private plan(turn: AssistantTurn): ReturnType<typeof streamPlan> {
    const includeUsage = this.request.stream_options?.include_usage === true;
    return streamPlan(turn, this.meta, includeUsage ? usageFor(this.request, turn) : undefined);
  }

  private startStream(): void {
    this.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  }

  private writeChunk(chunk: ChunkBody): void {
    this.res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }
}

/**
 * The default for a request no rule expected. A 4xx rather than a 5xx on purpose: clients retry 5xx (LangChain
 * six times with backoff), which would bury this message under a test timeout.
 */
export function noRuleMatched(request: ChatRequest): Fault {
  const lastUser = lastMessageText(request, ['user']).slice(0, 120);
  const tools = request.tools?.map((tool) => tool.function.name).join(', ') ?? 'none';
  return {
    kind: 'httpError',
    status: 400,
    type: 'fake_server_error',
    code: 'no_rule_matched',
    message: `fakeOpenAI: no rule matched this request (model ${request.model}, tools: ${tools}, last user message: ${JSON.stringify(lastUser)}). Add a rule or a fallback.`,
  };
}
