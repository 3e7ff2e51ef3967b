// The Chat Completions wire format as the fake server reads and writes it: request schema, reply bodies,
// SSE chunks, error bodies and token estimates. Pure data, no I/O, so the shapes can be checked in one place.
import { z } from 'zod';

// Loose objects throughout: clients add fields over time (prompt_cache_key, verbosity, ...) and a fake that
// rejected unknown fields would break on a client upgrade rather than on a real incompatibility.
const contentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const requestToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPartSchema)]).nullish(),
  name: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z.array(requestToolCallSchema).optional(),
});

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.unknown().optional(),
    strict: z.boolean().nullish(),
  }),
});

const responseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      schema: z.unknown().optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const chatRequestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(messageSchema).min(1),
  tools: z.array(toolSchema).optional(),
  tool_choice: z.unknown().optional(),
  parallel_tool_calls: z.boolean().optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  response_format: responseFormatSchema.optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];
export type MessageRole = ChatMessage['role'];
export type ResponseFormatType = NonNullable<ChatRequest['response_format']>['type'];

/** A body OpenAI would refuse gets a 400 here too, so a client bug shows up as the error a user would see. */
export function parseChatRequest(rawBody: string): { success: true; data: ChatRequest } | { success: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { success: false, message: 'We could not parse the JSON body of your request.' };
  }
  const result = chatRequestSchema.safeParse(json);
  return result.success ? { success: true, data: result.data } : { success: false, message: z.prettifyError(result.error) };
}

export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join('');
}

export function lastMessageText(request: ChatRequest, roles: readonly MessageRole[]): string {
  const message = request.messages.findLast((candidate) => roles.includes(candidate.role));
  return message === undefined ? '' : messageText(message);
}

/** The function the client forces with tool_choice, as withStructuredOutput's function-calling method does. */
export function forcedFunctionName(request: ChatRequest): string | undefined {
  const choice = request.tool_choice;
  if (typeof choice === 'object' && choice !== null && 'function' in choice) {
    const fn: unknown = choice.function;
    if (typeof fn === 'object' && fn !== null && 'name' in fn && typeof fn.name === 'string') return fn.name;
  }
  if (choice === 'required' && request.tools?.length === 1) return request.tools[0]?.function.name;
  return undefined;
}

/**
 * Deliberately an approximation (about four characters a token, rounded up, at least one), not a tokenizer:
 * tests need counts that are deterministic and grow with the text, not counts that match OpenAI's billing.
 */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function promptTokens(request: ChatRequest): number {
  const parts = request.messages.flatMap((message) => [
    messageText(message),
    ...(message.tool_calls ?? []).map((call) => call.function.name + call.function.arguments),
  ]);
  // Tool definitions are part of the prompt the model reads, so they cost tokens like messages do.
  if (request.tools !== undefined) parts.push(JSON.stringify(request.tools));
  return estimateTokens(parts.join(''));
}

export interface ToolCallOut {
  readonly id: string;
  readonly name: string;
  /** Sent verbatim: usually JSON, but a fault may make it something that is not. */
  readonly arguments: string;
}

/** What the assistant says in one reply, before it is framed as a JSON body or as SSE chunks. */
export interface AssistantTurn {
  readonly content: string | null;
  readonly toolCalls: readonly ToolCallOut[];
  /** Reported as usage.prompt_tokens_details.cached_tokens, at most the prompt's tokens as OpenAI does. */
  readonly cachedPromptTokens?: number;
}

export interface ReplyMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

type FinishReason = 'stop' | 'tool_calls';

interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface CompletionBody {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: [
    {
      index: 0;
      message: { role: 'assistant'; content: string | null; refusal: null; tool_calls?: WireToolCall[] };
      logprobs: null;
      finish_reason: FinishReason;
    },
  ];
  usage: Usage;
}

interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

interface Delta {
  role?: 'assistant';
  content?: string | null;
  tool_calls?: ToolCallDelta[];
}

export interface ChunkBody {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: { index: 0; delta: Delta; logprobs: null; finish_reason: FinishReason | null }[];
  usage?: Usage | null;
}

/** A streamed reply split where faults need to cut it: the content, the chunk that finishes it, then usage. */
export interface StreamPlan {
  readonly deltas: readonly ChunkBody[];
  readonly finish: ChunkBody;
  readonly usage: ChunkBody | undefined;
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const systemFingerprint = 'fp_fake';

export function usageFor(request: ChatRequest, turn: AssistantTurn): Usage {
  const prompt = promptTokens(request);
  const completion = estimateTokens(
    (turn.content ?? '') + turn.toolCalls.map((call) => call.name + call.arguments).join(''),
  );
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (turn.cachedPromptTokens !== undefined) usage.prompt_tokens_details = { cached_tokens: Math.min(turn.cachedPromptTokens, prompt) };
  return usage;
}

function finishReason(turn: AssistantTurn): FinishReason {
  return turn.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

export function completionBody(turn: AssistantTurn, meta: ReplyMeta, usage: Usage): CompletionBody {
  const message: CompletionBody['choices'][0]['message'] = { role: 'assistant', content: turn.content, refusal: null };
  if (turn.toolCalls.length > 0) {
    message.tool_calls = turn.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    system_fingerprint: systemFingerprint,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(turn) }],
    usage,
  };
}

/** Words with their trailing space, so streamed text arrives in several chunks and rejoins exactly. */
function splitText(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [text];
}

/** Splits JSON arguments in three, as OpenAI does, so clients must join partial JSON. */
function splitArguments(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

export function streamPlan(turn: AssistantTurn, meta: ReplyMeta, usage: Usage | undefined): StreamPlan {
  // With include_usage OpenAI puts `usage: null` on every chunk and the numbers on one extra, choice-less chunk.
  const usageField = usage === undefined ? {} : { usage: null };
  const chunk = (delta: Delta, finish: FinishReason | null = null): ChunkBody => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    system_fingerprint: systemFingerprint,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageField,
  });
  const deltas = [chunk({ role: 'assistant', content: turn.content === null ? null : '' })];
  if (turn.content) deltas.push(...splitText(turn.content).map((piece) => chunk({ content: piece })));
  turn.toolCalls.forEach((call, index) => {
    deltas.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of splitArguments(call.arguments)) {
      deltas.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  return {
    deltas,
    finish: chunk({}, finishReason(turn)),
    usage:
      usage === undefined
        ? undefined
        : { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model, system_fingerprint: systemFingerprint, choices: [], usage },
  };
}

export function errorBody(message: string, type: string, param: string | null = null, code: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}
