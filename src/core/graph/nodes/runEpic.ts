import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { Command } from '@langchain/langgraph';
import type { LangGraphRunnableConfig, StateSnapshot } from '@langchain/langgraph';
import { BatonError, errorMessage } from '../../errors';
import { engineContext } from '../context';
import type { EngineContext } from '../context';
import { track } from '../inFlight';
import { openApprovals } from '../interrupts';
import { subTeamOf } from '../modes';
import type { ApprovalDecision, EpicInput, TaskResult, WorkflowStateType, WorkflowUpdate } from '../state';
import { budgetApprovalId } from './dispatch';
import { rollUp } from './rollUp';

/** What runEpic needs of the compiled workflow graph (the graph it is a node of). */
export interface SubWorkflowGraph {
  invoke(input: unknown, config: SubConfig): Promise<unknown>;
  getState(config: SubConfig): Promise<StateSnapshot>;
}

type SubConfig = LangGraphRunnableConfig & { durability?: 'sync' | 'async' | 'exit' };

/**
 * Hierarchical mode: an epic runs as a sub-workflow, the same graph invoked on its own checkpoint
 * thread (`<workflow>--<epic>`, same checkpointer) at depth + 1, with a sub-team (the team minus its
 * planners). Its events, costs and branches stay the parent workflow's; its task ids start with
 * the epic's. Its results roll up into the epic's result.
 *
 * Approvals: the sub-workflow uses the parent's policy, so auto/never decide inside it. In ask mode
 * it pauses at its interrupt; the epic then returns needs-approval carrying that request (one at a
 * time, same approval id), the parent asks the person through its own approve node, and once it is
 * decided this node runs again and resumes the sub-workflow with the decision. A second interrupt
 * in this node (langgraphjs #1298) is never needed, and since the sub-workflow's progress lives in
 * its own checkpoints, re-running this node from its top (after a resume, a crash or a cancel)
 * continues it rather than starting it over.
 */
export function makeRunEpic(graph: () => SubWorkflowGraph) {
  return async function runEpic(input: EpicInput, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
    const ctx = engineContext(config);
    let result: TaskResult;
    try {
      result = await track(ctx.signal, runSubWorkflow(graph(), ctx, input));
    } catch (e) {
      if (ctx.signal.aborted || (e instanceof BatonError && e.kind === 'cancelled')) throw e;
      result = { taskId: input.task.id, agentId: 'orchestrator', status: 'failed', summary: `Epic ${input.task.id} failed: ${errorMessage(e)}`, confidence: 0, changedFiles: [], rounds: 0, error: errorMessage(e) };
    }
    return { results: { [input.task.id]: result } };
  };
}

async function runSubWorkflow(graph: SubWorkflowGraph, ctx: EngineContext, input: EpicInput): Promise<TaskResult> {
  const thread = `${input.workflowId}--${input.task.id}`;
  const subCtx: EngineContext = { ...ctx, team: { ...ctx.team, agents: subTeamOf(ctx.team.agents) } };
  const config: SubConfig = { configurable: { thread_id: thread, baton: subCtx }, recursionLimit: 10_000, durability: 'sync', signal: ctx.signal };
  const before = await detached(() => graph.getState(config));
  let command: unknown;
  if (!(before.values as Partial<WorkflowStateType>).workflowId) {
    const t = input.task;
    const upstream = input.upstream.map((u) => `Done before by ${u.agentId} (${u.taskId}): ${u.summary}`);
    command = { workflowId: input.workflowId, task: [`${t.title}: ${t.description}`, ...upstream].join('\n'), mode: input.mode, depth: input.depth + 1, budgetUsd: input.budgetUsd, budgetTokens: input.budgetTokens, allowanceUsd: allowanceOf(input.budgetUsd, ctx.team.limits.epicBudgetShare), parentTaskId: t.id };
  } else {
    const open = openApprovals(before);
    const resume: Record<string, ApprovalDecision> = {};
    // The workflow's budget lives in the top workflow: a person raised it there (a budget stop approved with
    // a new budget, or on resume), and the sub-workflow goes on under it, its own stop at the old one answered.
    const sub = before.values as Partial<WorkflowStateType>;
    const raised = input.budgetUsd !== sub.budgetUsd ? { budgetUsd: input.budgetUsd, budgetTokens: input.budgetTokens } : undefined;
    for (const o of open) {
      const d = input.decisions[o.request.approvalId]
        ?? (raised && o.request.trigger === 'budget' && o.request.approvalId === budgetApprovalId({ budgetUsd: sub.budgetUsd ?? 0 }) ? { decision: 'approve' as const, by: 'user' as const, budgetUsd: input.budgetUsd, reason: 'budget raised' } : undefined);
      if (d) resume[o.interruptId] = d;
    }
    if (Object.keys(resume).length) command = new Command({ resume, ...(raised ? { update: raised } : {}) });
    else if (!open.length && before.next.length) command = raised ? new Command({ update: raised }) : null; // cut short by a cancel or a crash: go on
  }
  if (command !== undefined) await detached(() => graph.invoke(command, config));
  const after = await detached(() => graph.getState(config));
  const open = openApprovals(after);
  if (!open.length) return { ...rollUp(input.task.id, after.values as WorkflowStateType, ctx.team.agents), subWorkflow: thread };
  const ask = open.find((o) => !input.decisions[o.request.approvalId]);
  // Every open approval already has a decision the sub-workflow did not take: never loop on it.
  if (!ask) throw new BatonError(`The sub-workflow of epic ${input.task.id} did not accept the decisions on ${open.map((o) => o.request.approvalId).join(', ')}.`, `Look at it with baton status, or start the epic again as its own workflow.`, 'state');
  return {
    taskId: input.task.id, agentId: 'orchestrator', status: 'needs-approval', confidence: 0, changedFiles: [], rounds: 0, subWorkflow: thread,
    summary: `Epic ${input.task.id} waits for an approval inside its sub-workflow: ${ask.request.reason}`,
    approval: ask.request,
  };
}

/**
 * Runs `fn` outside the calling node's LangChain context. Inside a node, LangGraph reads the ambient
 * config (AsyncLocalStorage) and would run this invoke as a subgraph of the running graph: nested
 * checkpoint namespace, and langgraphjs #1552 (a subgraph resuming from its beginning). Detached,
 * the sub-workflow is a root run on its own thread, checkpointed and resumed on its own.
 */
function detached<T>(fn: () => Promise<T>): Promise<T> {
  return AsyncLocalStorageProviderSingleton.getInstance().run(undefined, fn);
}

/** An epic's allowance: its share of the workflow's budget; none (0) when the share is the whole budget. */
function allowanceOf(budgetUsd: number | undefined, share: number): number {
  return budgetUsd && share < 1 ? budgetUsd * share : 0;
}
