import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { z } from 'zod';
import type { AgentConfig } from '../config/teamSchema';
import { BatonError } from '../errors';
import type { EventBus } from '../events/eventBus';
import type { CallContext, ModelGateway, ToolDefinition } from '../models/modelGateway';
import { textOf } from '../models/modelGateway';
import { finishTool } from './tools/finish';
import { handoffSchema, handoffTool } from './tools/handoff';
import { definitionsFor, runTool, toolsFor } from './tools/registry';
import { prepareArguments } from './tools/toolArguments';
import type { AgentTool, ToolContext } from './tools/toolTypes';

export interface HandoffRequest {
  to: string;
  intent: string;
  message: string;
  urgency: 'low' | 'normal' | 'high';
  artifacts: string[];
}

export interface AgentOutcome {
  /** The agent called finish. */
  finished: boolean;
  /**
   * How the run ended: `finish` called; `no-finish`, replies without a tool call even after the reminder (the
   * summary is its last words, the confidence 0: it never reported one); `max-steps`, out of steps.
   */
  end: 'finish' | 'no-finish' | 'max-steps';
  summary: string;
  confidence: number;
  steps: number;
  changedFiles: string[];
  handoffs: HandoffRequest[];
}

export interface AgentRun {
  /** Resolves when the working folder is ready; tools wait for it, the first model call does not. */
  ready?: Promise<unknown>;
  gateway: ModelGateway;
  bus: EventBus;
  agent: AgentConfig;
  call: CallContext & { taskId: string };
  tools: Omit<ToolContext, 'onEvent'>;
  system: string;
  prompt: string;
  maxSteps: number;
  timeoutMs: number;
}

/**
 * The agent stopped without finishing: out of time or steps, stuck repeating one tool call (`loop`), or done
 * talking without calling finish or changing anything (`no-finish`). Its fallback may take over.
 */
export class AgentStopped extends BatonError {
  constructor(message: string, fix: string, readonly reason: 'timeout' | 'max-steps' | 'loop' | 'no-finish') {
    super(message, fix, 'model');
    this.name = 'AgentStopped';
  }
}

/** A one-line summary of tool arguments for events: a path or a command, never a file's content. */
function summarizeArgs(args: Record<string, unknown>): string {
  const shown = ['path', 'command', 'pattern', 'glob', 'to', 'intent'].filter((k) => typeof args[k] === 'string').map((k) => `${k}=${String(args[k])}`);
  return (shown.join(' ') || Object.keys(args).join(',')).slice(0, 200);
}

/** The same call with the same result this many times in a row is a loop: the model is told once, then stopped. */
const loopAfter = 3;

/**
 * The agent's tool-calling loop: the model asks for tools, Baton runs them confined to the
 * agent's worktree, until the agent calls finish, runs out of steps, or time. Malformed tool
 * calls are answered with the parse error so the model can repair them. A reply without a tool call (prose, or
 * nothing at all) gets one reminder; a model repeating one call gets one warning, then is stopped.
 */
export async function runAgent(run: AgentRun): Promise<AgentOutcome> {
  const { agent, call, bus } = run;
  const tools = toolsFor(agent.tools);
  const definitions = definitionsFor(tools);
  const timeout = AbortSignal.timeout(run.timeoutMs);
  const signal = run.call.signal ? AbortSignal.any([run.call.signal, timeout]) : timeout;
  const ctx: ToolContext = {
    ...run.tools,
    signal,
    onEvent: (e) => bus.emit(call.workflowId, 'agent.tool_refused', { taskId: call.taskId, tool: e.tool, args: e.path ?? e.command ?? '', kind: e.kind, reason: e.reason, path: e.path }, agent.id),
  };
  const messages: BaseMessage[] = [new SystemMessage(run.system), new HumanMessage(run.prompt)];
  const changed = new Set<string>();
  const handoffs: HandoffRequest[] = [];
  let nudged = false;
  let repeats = { key: '', result: '', count: 0 };
  let warned = false;
  /** Counts a call and its result: how many times in a row the same call got the same result. */
  const track = (name: string, args: string, result: string): void => {
    const key = `${name}\u0000${args}`;
    repeats = key === repeats.key && result === repeats.result ? { ...repeats, count: repeats.count + 1 } : { key, result, count: 1 };
  };
  const outOfTime = () => new AgentStopped(`${agent.id} ran out of time after ${run.timeoutMs / 1000} s on ${call.taskId}.`, 'Raise limits.timeoutSeconds in .baton/agents.yaml or split the task.', 'timeout');
  for (let step = 1; step <= run.maxSteps; step++) {
    if (timeout.aborted) throw outOfTime();
    let reply;
    try {
      reply = await run.gateway.chat({ ...call, signal }, messages, definitions);
    } catch (e) {
      // The gateway reads any abort as a cancel; when only the agent's own clock ran out, the workflow goes on.
      if (timeout.aborted && !call.signal?.aborted) throw outOfTime();
      throw e;
    }
    const text = textOf(reply).trim();
    if (text) bus.emit(call.workflowId, 'agent.message', { taskId: call.taskId, role: 'assistant', content: text.slice(0, 4000) }, agent.id);
    const calls = reply.tool_calls ?? [];
    const invalid = (reply.invalid_tool_calls ?? []).map((bad, i) => ({ ...bad, id: bad.id ?? `invalid-${step}-${i}` }));
    // Every tool result must answer a call of the assistant message before it, or the next request is
    // refused: malformed calls stay in the history with empty arguments (the error quotes what was sent).
    messages.push(invalid.length ? new AIMessage({ content: reply.content, tool_calls: [...calls, ...invalid.map((bad) => ({ id: bad.id, name: bad.name ?? 'unknown', args: {}, type: 'tool_call' as const }))] }) : reply);
    for (const bad of invalid) {
      const error = `Error: the arguments of ${bad.name ?? 'this call'} were not valid JSON (${bad.error ?? 'parse error'}): ${String(bad.args ?? '').slice(0, 200)}. Send the call again with valid JSON arguments.`;
      bus.emit(call.workflowId, 'agent.tool_call', { taskId: call.taskId, callId: bad.id, tool: bad.name ?? 'unknown', args: '(malformed)', ok: false, error: bad.error ?? 'arguments were not valid JSON' }, agent.id);
      messages.push(new ToolMessage({ tool_call_id: bad.id, content: error }));
      track(bad.name ?? 'unknown', String(bad.args ?? ''), error);
    }
    if (calls.length === 0 && invalid.length === 0) {
      // Prose or an empty reply instead of a tool call gets one reminder; after it, the run ends here, and whether
      // that is work done is for the task to judge (runTask): it never said so, nor how sure it is.
      if (nudged) return { finished: false, end: 'no-finish', summary: text, confidence: 0, steps: step, changedFiles: [...changed], handoffs };
      nudged = true;
      messages.push(new HumanMessage(text
        ? 'Continue with the tools, and call finish with a summary and your confidence when you are done.'
        : 'Your reply was empty. Do your task with the tools, and call finish with a summary and your confidence when you are done.'));
      continue;
    }
    if (run.ready) await run.ready;
    for (const c of calls) {
      const id = c.id ?? `${c.name}-${step}`;
      if (c.name === 'finish') {
        const prepared = prepareArguments(finishTool, c.args);
        const parsed = z.object({ summary: z.string(), confidence: z.number().min(0).max(1) }).safeParse(prepared.ok ? prepared.args : undefined);
        if (parsed.success) {
          bus.emit(call.workflowId, 'agent.tool_call', { taskId: call.taskId, callId: id, tool: 'finish', args: `confidence=${parsed.data.confidence}`, ok: true }, agent.id);
          return { finished: true, end: 'finish', summary: parsed.data.summary, confidence: parsed.data.confidence, steps: step, changedFiles: [...changed], handoffs };
        }
      }
      const tool = tools.find((t) => t.name === c.name);
      const started = performance.now();
      const result = tool
        ? await runTool(tool, c.args, ctx)
        : { ok: false as const, error: `There is no tool "${c.name}" for ${agent.id}. Available: ${tools.map((t) => t.name).join(', ')}.` };
      if (result.ok) {
        for (const f of result.changedFiles ?? []) changed.add(f);
        if (c.name === 'handoff') {
          const prepared = prepareArguments(handoffTool, c.args);
          const h = handoffSchema.parse(prepared.ok ? prepared.args : c.args);
          handoffs.push({ ...h, urgency: h.urgency ?? 'normal', artifacts: h.artifacts ?? [] });
        }
      }
      // Shown under the tool's own names, so a call made with file_path still reads path=... to the user.
      const named = tool ? prepareArguments(tool, c.args) : undefined;
      bus.emit(call.workflowId, 'agent.tool_call', {
        taskId: call.taskId, callId: id, tool: c.name, args: summarizeArgs(named?.ok ? (named.args as Record<string, unknown>) : c.args), ok: result.ok,
        error: result.ok ? undefined : result.error.slice(0, 500), durationMs: Math.round(performance.now() - started),
      }, agent.id);
      const content = result.ok ? result.output : `Error: ${result.error}`;
      messages.push(new ToolMessage({ tool_call_id: id, content }));
      track(c.name, JSON.stringify(c.args ?? {}), content);
    }
    if (repeats.count < loopAfter) continue;
    const [name] = repeats.key.split('\u0000');
    if (warned) {
      throw new AgentStopped(`${agent.id} was stopped on ${call.taskId}: it called ${name} with the same arguments ${repeats.count} times in a row, getting the same result each time, and went on after being told.`,
        'The model is stuck in a loop: give this agent a stronger model (model: in .baton/agents.yaml, or baton.model.name), or split the task.', 'loop');
    }
    warned = true;
    bus.emit(call.workflowId, 'agent.message', { taskId: call.taskId, role: 'system', content: `${agent.id} repeated the same ${name} call ${repeats.count} times; it was told to stop repeating it.` }, agent.id);
    messages.push(new HumanMessage(`You have called ${name} with the same arguments ${repeats.count} times in a row and got the same result each time: repeating it will not change anything. Do something different, or call finish with what you have and what is left. If you repeat it again, you will be stopped.`));
  }
  return { finished: false, end: 'max-steps', summary: `Stopped after ${run.maxSteps} steps without finishing.`, confidence: 0, steps: run.maxSteps, changedFiles: [...changed], handoffs };
}
