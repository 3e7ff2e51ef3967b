import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { runAgent } from '../../agents/agentLoop';
import type { AgentOutcome } from '../../agents/agentLoop';
import { defaultToolLimits } from '../../agents/tools/toolTypes';
import type { AgentConfig } from '../../config/teamSchema';
import { BatonError, errorMessage } from '../../errors';
import type { Workspace } from '../../git/workspaces';
import { triggersFor } from '../approvalTriggers';
import { engineContext } from '../context';
import type { EngineContext } from '../context';
import { agentSystemPrompt, reviewPrompt, taskPrompt } from '../prompts';
import { verdictSchema } from '../schemas';
import type { Verdict } from '../schemas';
import type { TaskInput, TaskResult, WorkflowUpdate } from '../state';
import { deliverHandoffs } from './handoffs';

/**
 * One task, start to end: the assigned agent works in its own worktree, each round is committed,
 * the team's reviewer (and tester) check the result, and a critique goes back to the author for at
 * most feedback.maxRounds rounds. Runs inside the concurrency pool.
 */
export async function runTask(input: TaskInput, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  const result = await ctx.pool(() => runTaskInPool(ctx, input));
  return { results: { [input.task.id]: result } };
}

async function runTaskInPool(ctx: EngineContext, input: TaskInput): Promise<TaskResult> {
  const { workflowId, task } = input;
  let agent = ctx.team.agents.find((a) => a.id === input.assignment.agentId)!;
  try {
    return await attempt(ctx, input, agent);
  } catch (e) {
    if (e instanceof BatonError && e.kind === 'cancelled') throw e;
    const fallback = agent.fallback ? ctx.team.agents.find((a) => a.id === agent.fallback) : undefined;
    ctx.bus.emit(workflowId, 'agent.failed', { taskId: task.id, error: errorMessage(e), kind: 'model', retryable: Boolean(fallback), optional: agent.optional }, agent.id);
    if (!fallback) return failed(input, agent, e);
    ctx.bus.emit(workflowId, 'task.routed', { taskId: task.id, agentId: fallback.id, strategy: 'fallback', rationale: `${agent.id} failed (${errorMessage(e).slice(0, 200)}); its fallback ${fallback.id} takes over` });
    agent = fallback;
    try {
      return await attempt(ctx, { ...input, assignment: { agentId: fallback.id, rationale: 'fallback', strategy: 'fallback' } }, fallback);
    } catch (e2) {
      if (e2 instanceof BatonError && e2.kind === 'cancelled') throw e2;
      ctx.bus.emit(workflowId, 'agent.failed', { taskId: task.id, error: errorMessage(e2), kind: 'model', retryable: false, optional: fallback.optional }, fallback.id);
      return failed(input, fallback, e2);
    }
  }
}

function failed(input: TaskInput, agent: AgentConfig, e: unknown): TaskResult {
  return { taskId: input.task.id, agentId: agent.id, status: 'failed', summary: `Failed: ${errorMessage(e)}`, confidence: 0, changedFiles: [], rounds: 0, error: errorMessage(e) };
}

async function attempt(ctx: EngineContext, input: TaskInput, agent: AgentConfig): Promise<TaskResult> {
  const { workflowId, task } = input;
  const ws = await ctx.workspaces.ensure(workflowId, agent.id, ctx.baseCommit);
  ctx.bus.emit(workflowId, 'agent.started', { taskId: task.id, branch: ws.branch, model: agent.model }, agent.id);
  const checkers = ['reviewer', 'tester'].map((id) => ctx.team.agents.find((a) => a.id === id)).filter((a): a is AgentConfig => a !== undefined && a.id !== agent.id);
  const maxRounds = Math.max(1, ctx.team.feedback.maxRounds);
  let critique: string | undefined;
  let outcome: AgentOutcome | undefined;
  const files = new Set<string>();
  let commit: string | undefined;
  let round = 0;
  let verdict: Verdict | undefined;
  while (round < maxRounds) {
    round++;
    outcome = await work(ctx, input, agent, ws, critique);
    const committed = await ctx.workspaces.commit(ws, `${workflowId}/${task.id}/${agent.id}/r${round}`, `${task.title} (${task.id}, round ${round})`, {
      'Baton-Workflow': workflowId, 'Baton-Task': task.id, 'Baton-Agent': agent.id,
    });
    if (committed) {
      commit = committed.sha;
      committed.files.forEach((f) => files.add(f));
      ctx.bus.emit(workflowId, 'agent.committed', { taskId: task.id, branch: ws.branch, sha: committed.sha, message: `${task.title} (round ${round})`, files: committed.files }, agent.id);
    }
    if (!outcome.finished) break;
    const diff = committed ? await ctx.workspaces.diffOf(ws, committed.sha) : '';
    verdict = await review(ctx, input, checkers, outcome.summary, diff, round);
    if (!verdict || verdict.verdict !== 'request_changes') break;
    critique = verdict.comments + verdict.findings.map((f) => `\n- [${f.severity}] ${f.path ?? ''}${f.line ? `:${f.line}` : ''} ${f.message}`).join('');
  }
  const o = outcome!;
  const handoffs = await deliverHandoffs(ctx, input, agent, ws, o.handoffs);
  const summary = [o.summary, ...handoffs.notes].join(' ');
  ctx.bus.emit(workflowId, 'agent.finished', { taskId: task.id, summary: summary.slice(0, 2000), confidence: o.confidence, steps: o.steps }, agent.id);
  const base: TaskResult = {
    taskId: task.id, agentId: agent.id, summary, confidence: o.confidence, changedFiles: [...files], commit, rounds: round, handoffs: handoffs.delivered,
    status: !o.finished ? 'failed' : verdict?.verdict === 'reject' ? 'rejected' : verdict?.verdict === 'request_changes' ? 'needs-approval' : 'done',
  };
  if (!o.finished) return { ...base, error: o.summary };
  if (base.status === 'rejected') return base;
  // Risky changes, low confidence, or a review that never converged stop for a person.
  const hits = triggersFor(base.changedFiles, o.confidence, ctx.approvals);
  if (base.status === 'needs-approval' || hits.length) {
    const reason = base.status === 'needs-approval'
      ? `The review still asked for changes after ${round} round(s): ${verdict!.comments.slice(0, 300)}`
      : hits.map((h) => h.reason).join('; ');
    return { ...base, status: 'needs-approval', approval: { approvalId: `${task.id}-after-r${round}`, taskId: task.id, trigger: hits[0]?.trigger ?? 'lowConfidence', phase: 'after', files: base.changedFiles, reason: `Task ${task.id} ${reason}` } };
  }
  return base;
}

function work(ctx: EngineContext, input: TaskInput, agent: AgentConfig, ws: Workspace, critique?: string): Promise<AgentOutcome> {
  return runAgent({
    gateway: ctx.gateway,
    bus: ctx.bus,
    agent,
    call: { workflowId: input.workflowId, agentId: agent.id, taskId: input.task.id, model: agent.model, signal: ctx.signal },
    tools: {
      root: ws.path,
      signal: ctx.signal,
      allowCommands: ctx.allowCommands,
      approveCommand: ctx.approveCommand ? (command) => ctx.approveCommand!(command, agent.id, input.task.id) : undefined,
      limits: defaultToolLimits,
    },
    system: agentSystemPrompt(agent, input.task.title),
    prompt: taskPrompt(input, critique),
    maxSteps: ctx.team.limits.maxSteps,
    timeoutMs: ctx.team.limits.timeoutSeconds * 1000,
  });
}

/** Each checker gives a verdict; the strictest wins (reject > request_changes > approve). */
async function review(ctx: EngineContext, input: TaskInput, checkers: AgentConfig[], summary: string, diff: string, round: number): Promise<Verdict | undefined> {
  const order = { approve: 0, request_changes: 1, reject: 2 } as const;
  let strictest: Verdict | undefined;
  for (const checker of checkers) {
    const prompt = reviewPrompt(checker, input, summary, diff, round);
    const v = await ctx.gateway.structured(
      { workflowId: input.workflowId, agentId: checker.id, taskId: input.task.id, model: checker.model, signal: ctx.signal },
      [new SystemMessage(prompt.system), new HumanMessage(prompt.user)], verdictSchema, 'verdict');
    ctx.bus.emit(input.workflowId, 'review.verdict', { taskId: input.task.id, reviewer: checker.id, verdict: v.verdict, round, comments: v.comments, findings: v.findings });
    if (!strictest || order[v.verdict] > order[strictest.verdict]) strictest = v;
  }
  return strictest;
}
