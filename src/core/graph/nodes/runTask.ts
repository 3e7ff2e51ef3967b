import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { AgentStopped } from '../../agents/agentLoop';
import type { AgentConfig } from '../../config/teamSchema';
import { BatonError, errorMessage } from '../../errors';
import { engineContext } from '../context';
import { track } from '../inFlight';
import type { EngineContext } from '../context';
import type { TaskInput, TaskResult, WorkflowUpdate } from '../state';
import { attempt } from './taskAttempt';

/**
 * One task, start to end, inside the concurrency pool: the assigned agent's attempt, and when the
 * agent fails (its model, its steps or its time), one attempt by its configured fallback.
 */
export async function runTask(input: TaskInput, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  const result = await track(ctx.signal, ctx.pool(() => runWithFallback(ctx, input)));
  return { results: { [input.task.id]: result } };
}

async function runWithFallback(ctx: EngineContext, input: TaskInput): Promise<TaskResult> {
  const { workflowId, task } = input;
  const agent = ctx.team.agents.find((a) => a.id === input.assignment.agentId);
  if (!agent) return failed(input, input.assignment.agentId, new BatonError(`Task ${task.id} was given to "${input.assignment.agentId}", who is not in the team.`, 'Check the agents in .baton/agents.yaml.', 'config'));
  try {
    return await attempt(ctx, input, agent, 1);
  } catch (e) {
    if (cancelled(ctx, e)) throw e;
    // A conflict the user asked this agent to resolve is about its own branch: no one else can take it over.
    const fallback = agent.fallback && !task.resolve ? ctx.team.agents.find((a) => a.id === agent.fallback) : undefined;
    ctx.bus.emit(workflowId, 'agent.failed', { taskId: task.id, error: errorMessage(e), kind: kindOf(e), retryable: fallback !== undefined, optional: agent.optional }, agent.id);
    if (!fallback) return failed(input, agent.id, e);
    ctx.bus.emit(workflowId, 'task.routed', { taskId: task.id, agentId: fallback.id, strategy: 'fallback', rationale: `${agent.id} failed (${errorMessage(e).slice(0, 200)}); its fallback ${fallback.id} takes over` });
    try {
      return await attempt(ctx, { ...input, assignment: { agentId: fallback.id, rationale: `fallback of ${agent.id}`, strategy: 'fallback' } }, fallback, 2);
    } catch (e2) {
      if (cancelled(ctx, e2)) throw e2;
      ctx.bus.emit(workflowId, 'agent.failed', { taskId: task.id, error: errorMessage(e2), kind: kindOf(e2), retryable: false, optional: fallback.optional }, fallback.id);
      return failed(input, fallback.id, e2);
    }
  }
}

function cancelled(ctx: EngineContext, e: unknown): boolean {
  return ctx.signal.aborted || (e instanceof BatonError && e.kind === 'cancelled');
}

function kindOf(e: unknown): AgentStopped['reason'] | 'model' {
  return e instanceof AgentStopped ? e.reason : 'model';
}

/** Finer than kindOf for the learning memory: a git or configuration failure is not the model's. */
function errorKindOf(e: unknown): string {
  if (e instanceof AgentStopped) return e.reason;
  return e instanceof BatonError && e.kind !== 'internal' && e.kind !== 'cancelled' ? e.kind : 'model';
}

function failed(input: TaskInput, agentId: AgentConfig['id'], e: unknown): TaskResult {
  return { taskId: input.task.id, agentId, status: 'failed', summary: `Failed: ${errorMessage(e)}`, confidence: 0, changedFiles: [], rounds: 0, error: errorMessage(e), errorKind: errorKindOf(e) };
}
