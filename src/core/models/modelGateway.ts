import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { countTokens } from 'gpt-tokenizer';
import { z } from 'zod';
import type { Pricing } from '../cost/pricing';
import { BatonError } from '../errors';
import type { EventBus } from '../events/eventBus';
import { ModelResilience } from '../resilience/modelResilience';
import { resilienceWith } from '../resilience/resilienceOptions';
import type { ResilienceOptions } from '../resilience/resilienceOptions';
import { jsonCandidates, noJsonProblem } from './jsonReply';
import type { RateLimiter } from './rateLimiter';

export interface CallContext {
  workflowId: string;
  /** Who is calling: an agent id, or `orchestrator` for analyze and route. */
  agentId: string;
  taskId?: string;
  /** The agent's own model, when the team config gives it one. */
  model?: string;
  signal?: AbortSignal;
}

/** A tool as the model sees it (OpenAI function format, JSON Schema parameters). */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface GatewayOptions {
  bus: EventBus;
  limiter: RateLimiter;
  pricing: Pricing;
  defaultModel: string;
  createModel: (model: string) => BaseChatModel;
  /** Re-asks after a reply that does not fit the schema, before failing cleanly. */
  maxRepairs?: number;
  /** Retries, timeouts, breakers and fallback models; unset fields take Baton's defaults. */
  resilience?: Partial<ResilienceOptions>;
}

type BoundModel = ReturnType<NonNullable<BaseChatModel['bindTools']>>;

/**
 * Every model call of a workflow goes through here: the shared rate limit, the cancellation
 * signal, retries, timeouts, circuit breakers and fallback models (ModelResilience), cost
 * accounting (cost.recorded) and structured output with repair. Graph nodes never talk to a model
 * client directly.
 */
export class ModelGateway {
  private readonly models = new Map<string, BaseChatModel>();
  /**
   * Models with a tool list bound, per list and model name: binding makes a new client (ChatOpenAI,
   * then its OpenAI client on the first call), which an agent's every step should not pay for again.
   */
  private readonly bound = new WeakMap<readonly ToolDefinition[], Map<string, BoundModel>>();
  private readonly spent = new Map<string, number>();
  private readonly spentByTask = new Map<string, Map<string, number>>();
  private readonly budgets = new Map<string, { usd: number; tokens: number }>();
  /** Tokens per workflow: what a token budget holds against, when a model has no known price. */
  private readonly tokens = new Map<string, number>();
  /** Servers without json_schema support answer 400; after one such answer Baton uses tool calling. */
  private jsonSchemaSupported = true;

  private readonly resilience: ModelResilience;

  constructor(private readonly options: GatewayOptions) {
    this.resilience = new ModelResilience(resilienceWith(options.resilience), options.bus, options.limiter);
  }

  spentUsd(workflowId: string): number {
    return this.spent.get(workflowId) ?? 0;
  }

  /** Restores a workflow's spend after a restart, so budgets hold across resumes. */
  restoreSpend(workflowId: string, usd: number): void {
    this.spent.set(workflowId, usd);
  }

  spentTokens(workflowId: string): number {
    return this.tokens.get(workflowId) ?? 0;
  }

  /** Restores a workflow's token count after a restart (from its audit log), so a token budget holds too. */
  restoreTokens(workflowId: string, tokens: number): void {
    if (tokens > this.spentTokens(workflowId)) this.tokens.set(workflowId, tokens);
  }

  /**
   * What an epic's sub-workflow has spent: the calls made for the epic itself (its orchestrator) and
   * for its tasks, whose ids start with the epic's (`t1-...`, see analyze).
   */
  spentIn(workflowId: string, epicId: string): number {
    let usd = 0;
    for (const [taskId, spent] of this.spentByTask.get(workflowId) ?? []) if (taskId === epicId || taskId.startsWith(`${epicId}-`)) usd += spent;
    return usd;
  }

  /** Restores per-task spend after a restart (from the audit log), so sub-workflow allowances hold too. */
  restoreTaskSpend(workflowId: string, byTask: Record<string, number>): void {
    if (!this.spentByTask.has(workflowId)) this.spentByTask.set(workflowId, new Map(Object.entries(byTask)));
  }

  async chat(ctx: CallContext, messages: BaseMessage[], tools?: readonly ToolDefinition[], callOptions: Record<string, unknown> = {}): Promise<AIMessage> {
    const primary = ctx.model ?? this.options.defaultModel;
    const { value: reply, model } = await this.resilience.call(ctx, primary, (name, signal) => {
      const base = this.model(name);
      const runnable = tools?.length && base.bindTools ? this.withTools(name, base, tools, callOptions) : base;
      return runnable.invoke(messages, { signal, ...(tools?.length ? {} : callOptions) });
    });
    const message = reply instanceof AIMessage ? reply : new AIMessage({ content: String(reply.content) });
    this.record(ctx, model, messages, message);
    return message;
  }

  /**
   * Asks for a reply that fits `schema` (and passes `check`, which returns problems), re-asking
   * with the problems up to maxRepairs times. json_schema where the server has it, else a forced
   * tool call. The JSON is read out of whatever the model wrapped it in (a fence, prose around it).
   */
  async structured<S extends z.ZodType>(ctx: CallContext, messages: BaseMessage[], schema: S, name: string, check?: (value: z.infer<S>) => string[]): Promise<z.infer<S>> {
    const jsonSchema = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
    const conversation = [...messages];
    const attempts = (this.options.maxRepairs ?? 2) + 1;
    let problems: string[] = [];
    let fitting: z.infer<S> | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const raw = await this.askStructured(ctx, conversation, jsonSchema, name);
      const read = readReply(raw.text, schema, check);
      if (read.ok) return read.value;
      problems = read.problems;
      fitting = read.fitting ?? fitting;
      const asked = `Your reply for "${name}" was not valid:\n${problems.map((p) => `- ${p}`).join('\n')}\nReply again with the complete, corrected JSON.`;
      // A tool call must be answered by a tool message before anything else, or real servers refuse the next request.
      const calls = raw.message.tool_calls ?? [];
      if (!calls.length) conversation.push(raw.message, new HumanMessage(asked));
      else conversation.push(new AIMessage({ content: raw.message.content, tool_calls: calls }), ...calls.map((c, i) => new ToolMessage({ tool_call_id: c.id ?? `${name}-${attempt}-${i}`, content: asked })));
    }
    throw new InvalidStructuredOutput(
      `The model's ${name} was still invalid after ${attempts} attempts: ${problems.slice(0, 3).join('; ')}.`,
      'Try again, or use a model that supports structured output (JSON schema or tool calling): baton.model.name, or model: in .baton/agents.yaml.',
      name, problems, fitting,
    );
  }

  private async askStructured(ctx: CallContext, messages: BaseMessage[], parameters: Record<string, unknown>, name: string): Promise<{ text: string; message: AIMessage }> {
    if (this.jsonSchemaSupported) {
      try {
        const format = { type: 'json_schema', json_schema: { name, schema: parameters, strict: false } };
        // The OpenAI client parses a json_schema reply itself and throws on anything but bare JSON (a fence, prose
        // around it), losing the reply; a format that brings its own parser is left to it, so Baton reads the text.
        Object.defineProperty(format, '$parseRaw', { value: () => null });
        const message = await this.chat(ctx, messages, undefined, { response_format: format });
        return { text: textOf(message), message };
      } catch (e) {
        if (!(e instanceof BatonError && e.kind === 'model' && /response_format|json_schema/i.test(e.message))) throw e;
        this.jsonSchemaSupported = false;
      }
    }
    const tool: ToolDefinition = { type: 'function', function: { name, description: `Reply with the ${name}.`, parameters } };
    const message = await this.chat(ctx, messages, [tool], { tool_choice: { type: 'function', function: { name } } });
    const call = message.tool_calls?.[0];
    const invalid = message.invalid_tool_calls?.[0];
    if (invalid && !message.tool_calls?.length) {
      // Kept in the history as a call (with empty arguments) so its answer has a call to point to.
      const id = invalid.id ?? `${name}-invalid`;
      const kept = new AIMessage({ content: message.content, tool_calls: [{ id, name: invalid.name ?? name, args: {}, type: 'tool_call' }] });
      return { text: invalid.args ?? textOf(message), message: kept };
    }
    return { text: call ? JSON.stringify(call.args) : textOf(message), message };
  }

  /** `base` with `tools` bound; reused while the same list (an agent run's) is passed without options. */
  private withTools(name: string, base: BaseChatModel, tools: readonly ToolDefinition[], callOptions: Record<string, unknown>): BoundModel {
    if (Object.keys(callOptions).length) return base.bindTools!([...tools], callOptions);
    let byModel = this.bound.get(tools);
    if (!byModel) this.bound.set(tools, (byModel = new Map()));
    let m = byModel.get(name);
    if (!m) byModel.set(name, (m = base.bindTools!([...tools], callOptions)));
    return m;
  }

  private model(name: string): BaseChatModel {
    let m = this.models.get(name);
    if (!m) this.models.set(name, (m = this.options.createModel(name)));
    return m;
  }

  private record(ctx: CallContext, model: string, prompt: BaseMessage[], reply: AIMessage): void {
    const usage = reply.usage_metadata;
    // A cut stream or a server that sends no usage: count locally and say so.
    const estimated = !usage;
    const promptTokens = usage?.input_tokens ?? countTokens(prompt.map(textOf).join('\n'));
    const completionTokens = usage?.output_tokens ?? countTokens(textOf(reply) + JSON.stringify(reply.tool_calls ?? []));
    // Prompt tokens the provider served from its cache (OpenAI's prompt_tokens_details.cached_tokens), billed lower.
    const cachedPromptTokens = Math.min(usage?.input_token_details?.cache_read ?? 0, promptTokens);
    const usd = this.options.pricing.usd(model, { promptTokens, cachedPromptTokens, completionTokens });
    const totalUsd = this.spentUsd(ctx.workflowId) + usd;
    this.spent.set(ctx.workflowId, totalUsd);
    const tokensBefore = this.spentTokens(ctx.workflowId);
    this.tokens.set(ctx.workflowId, tokensBefore + promptTokens + completionTokens);
    if (ctx.taskId) {
      const byTask = this.spentByTask.get(ctx.workflowId) ?? new Map<string, number>();
      byTask.set(ctx.taskId, (byTask.get(ctx.taskId) ?? 0) + usd);
      this.spentByTask.set(ctx.workflowId, byTask);
    }
    this.options.bus.emit(ctx.workflowId, 'cost.recorded', { model, promptTokens, ...(cachedPromptTokens ? { cachedPromptTokens } : {}), completionTokens, usd, estimated, taskId: ctx.taskId, totalUsd }, ctx.agentId);
    this.watchBudget(ctx.workflowId, totalUsd - usd, totalUsd, tokensBefore, this.spentTokens(ctx.workflowId));
  }

  /**
   * The budget in force for a workflow, in dollars and (0: none) in tokens; the warning and the exceeded
   * event fire once per crossing.
   */
  setBudget(workflowId: string, budgetUsd: number, budgetTokens = 0): void {
    this.budgets.set(workflowId, { usd: budgetUsd, tokens: budgetTokens });
  }

  private watchBudget(workflowId: string, before: number, after: number, tokensBefore: number, tokensAfter: number): void {
    const budget = this.budgets.get(workflowId);
    if (!budget) return;
    const { bus } = this.options;
    // Calls finishing together may cross both lines at once: each event is still emitted once.
    const crossed = (b: number, a: number, limit: number, fraction: number) => limit > 0 && b < fraction * limit && a >= fraction * limit;
    const { usd: budgetUsd, tokens: budgetTokens } = budget;
    if (crossed(before, after, budgetUsd, 0.8) || crossed(tokensBefore, tokensAfter, budgetTokens, 0.8)) {
      bus.emit(workflowId, 'budget.warning', { spentUsd: after, budgetUsd, fraction: Math.max(budgetUsd > 0 ? after / budgetUsd : 0, budgetTokens > 0 ? tokensAfter / budgetTokens : 0) });
    }
    if (crossed(before, after, budgetUsd, 1)) bus.emit(workflowId, 'budget.exceeded', { spentUsd: after, budgetUsd });
    else if (crossed(tokensBefore, tokensAfter, budgetTokens, 1)) bus.emit(workflowId, 'budget.exceeded', { spentUsd: after, budgetUsd, spentTokens: tokensAfter, budgetTokens });
  }
}

export function textOf(message: BaseMessage): string {
  const c = message.content;
  if (typeof c === 'string') return c;
  return c.map((part) => (typeof part === 'string' ? part : 'text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

/** The model's reply still did not fit after every re-ask; `fitting` is its last reply that fit the schema but not the check. */
export class InvalidStructuredOutput extends BatonError {
  constructor(message: string, fix: string, readonly what: string, readonly problems: string[], readonly fitting: unknown) {
    super(message, fix, 'model');
    this.name = 'InvalidStructuredOutput';
  }
}

type Reading<T> = { ok: true; value: T } | { ok: false; problems: string[]; fitting?: T };

/** The first piece of JSON in the reply that fits the schema and passes the check, or why none does. */
function readReply<S extends z.ZodType>(text: string, schema: S, check?: (value: z.infer<S>) => string[]): Reading<z.infer<S>> {
  const candidates = jsonCandidates(text);
  if (!candidates.length) return { ok: false, problems: [noJsonProblem(text)] };
  let misfit: string[] | undefined;
  let checked: { problems: string[]; value: z.infer<S> } | undefined;
  for (const candidate of candidates) {
    const result = schema.safeParse(candidate);
    if (!result.success) {
      misfit ??= z.prettifyError(result.error).split('\n');
      continue;
    }
    const problems = check?.(result.data) ?? [];
    if (!problems.length) return { ok: true, value: result.data };
    checked ??= { problems, value: result.data };
  }
  // A reply that fits the schema says more about what the model meant than one that does not.
  return checked ? { ok: false, problems: checked.problems, fitting: checked.value } : { ok: false, problems: misfit! };
}
