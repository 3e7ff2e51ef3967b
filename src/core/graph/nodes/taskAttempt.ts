import { runAgent, AgentStopped } from '../../agents/agentLoop';
import type { AgentOutcome } from '../../agents/agentLoop';
import { defaultToolLimits } from '../../agents/tools/toolTypes';
import type { AgentConfig } from '../../config/teamSchema';
import { BatonError } from '../../errors';
import { describeHits } from '../../git/secretScan';
import { heldRef, SecretsFound } from '../../git/workspaces';
import type { CommitInfo, HeldChange, Workspace } from '../../git/workspaces';
import { worktreeLock } from '../agentLocks';
import { triggersFor } from '../approvalTriggers';
import type { EngineContext } from '../context';
import { agentSystemPrompt, taskPrompt } from '../prompts';
import type { Verdict } from '../schemas';
import type { TaskInput, TaskResult } from '../state';
import { abandonWork, trashRef } from './abandonWork';
import { deliverHandoffs } from './handoffs';
import { checkersFor, critiqueOf, review } from './review';

interface Rounds {
  outcome: AgentOutcome;
  verdict?: Verdict;
  /** Checkers that could not review. */
  unreviewed: string[];
  commit?: string;
  files: string[];
  round: number;
  startHead: string;
  trashed?: string;
  /** The last round's change, held for a person because it looked like it held a secret. */
  held?: HeldChange;
}

/**
 * One agent's attempt at a task: its rounds of work and review (holding its worktree), then its
 * handoffs, then the approval triggers. Throws when the agent fails (model error, out of steps or
 * time), after moving its work off the branch, so the caller can hand the task to a fallback.
 */
export async function attempt(ctx: EngineContext, input: TaskInput, agent: AgentConfig, attemptNo: number): Promise<TaskResult> {
  const { workflowId, task } = input;
  // The worktree is set up while the agent's first model call is under way: the model needs only
  // the task to answer, and its tools wait for the worktree (AgentRun.ready).
  const ws = ctx.workspaces.workspaceOf(workflowId, agent.id);
  const ensured = ctx.workspaces.ensure(workflowId, agent.id, ctx.baseCommit);
  ensured.catch(() => undefined);
  ctx.bus.emit(workflowId, 'agent.started', { taskId: task.id, branch: ws.branch, model: agent.model, attempt: attemptNo }, agent.id);
  const r = await worktreeLock(ctx.workspaces, workflowId, agent.id).run(() => rounds(ctx, input, agent, ws, ensured));
  const o = r.outcome;
  // Delivered after the author's lock is released: a receiver's lock is never taken while holding another. Not for
  // a held change: what a handoff points at is not on the branch, and may not be.
  const handoffs = r.verdict?.verdict === 'reject' || r.held ? { delivered: [], notes: [] } : await deliverHandoffs(ctx, input, agent, ws, o.handoffs);
  const summary = [summaryOf(o), ...(r.trashed ? [`The rejected change was moved to ${r.trashed}.`] : []), ...handoffs.notes].join(' ');
  ctx.bus.emit(workflowId, 'agent.finished', { taskId: task.id, summary: summary.slice(0, 2000), confidence: o.confidence, steps: o.steps }, agent.id);
  const base: TaskResult = {
    taskId: task.id, agentId: agent.id, summary, confidence: o.confidence, changedFiles: [...new Set([...r.files, ...(r.held?.files ?? [])])], commit: r.commit, rounds: r.round,
    handoffs: handoffs.delivered, startHead: r.startHead, verdict: r.verdict?.verdict, status: 'done',
  };
  if (r.verdict?.verdict === 'reject') return { ...base, status: 'rejected' };
  // Risky changes (except risks approved before the task ran), low confidence, a review that never
  // converged, or one nobody could give: a person decides.
  const hits = triggersFor(base.changedFiles, o.confidence, ctx.approvals).filter((h) => !input.approvedRisks?.includes(h.trigger));
  const reasons = [
    // Work was done but the agent never said it was done: only a person can say whether it is.
    ...(o.end === 'no-finish' ? ['ended without calling finish, so the agent never said the work was done (it reported no confidence)'] : []),
    ...(r.verdict?.verdict === 'request_changes' ? [`still had changes requested after ${r.round} round(s): ${r.verdict.comments.slice(0, 300)}`] : []),
    ...(r.unreviewed.length && !r.verdict ? [`could not be reviewed (${r.unreviewed.join(', ')} failed)`] : []),
    ...hits.map((h) => h.reason),
  ];
  if (r.held) return heldForApproval(base, r.held, r.round, reasons);
  if (!reasons.length) return base;
  return {
    ...base, status: 'needs-approval',
    approval: { approvalId: `${task.id}-after-r${r.round}`, taskId: task.id, agentId: agent.id, trigger: hits[0]?.trigger ?? 'lowConfidence', phase: 'after', files: base.changedFiles, reason: `Task ${task.id} ${reasons.join('; ')}` },
  };
}

/** Work, commit, review, and again with the critique, for at most feedback.maxRounds rounds. */
async function rounds(ctx: EngineContext, input: TaskInput, agent: AgentConfig, ws: Workspace, ensured: Promise<Workspace>): Promise<Rounds> {
  const { workflowId, task } = input;
  const step = `${workflowId}/${task.id}/${agent.id}`;
  const trash = trashRef(workflowId, `${task.id}-${agent.id}`);
  const prepared = prepare(ctx, input, agent, ws, ensured);
  prepared.catch(() => undefined);
  const maxRounds = Math.max(1, ctx.team.feedback.maxRounds);
  const files = new Set<string>();
  let critique: string | undefined;
  let r: Rounds | undefined;
  let commit: string | undefined;
  try {
    for (let round = 1; round <= maxRounds; round++) {
      const outcome = await work(ctx, input, agent, ws, critique, prepared);
      const { startHead, merging } = await prepared;
      const ended = outcome.finished || outcome.end === 'no-finish';
      const unresolved = ended ? await ctx.workspaces.conflictMarkers(ws, merging) : [];
      if (unresolved.length) {
        throw new BatonError(`${agent.id} finished ${task.id} with conflict markers still in ${unresolved.join(', ')}; the merge of ${task.resolve?.with}'s branch was not committed.`,
          'Ask again, compare the two versions, or take one side.', 'git');
      }
      const message = [`${step}/r${round}`, `${task.title} (${task.id}, round ${round})`, { 'Baton-Workflow': workflowId, 'Baton-Task': task.id, 'Baton-Agent': agent.id }] as const;
      let committed: CommitInfo | undefined;
      try {
        committed = await ctx.workspaces.commit(ws, ...message);
      } catch (e) {
        if (!(e instanceof SecretsFound)) throw e;
        // Nothing is committed, reviewed (the reviewer's model would be sent the secret) or handed off: the change
        // waits, on no branch, for a person. Out of steps, the task fails below, and its abandoned work leaves
        // these files out.
        if (ended) {
          const held = await ctx.workspaces.hold(ws, ...message, heldRef(workflowId, `${task.id}-${agent.id}`), e.hits);
          r = { outcome, unreviewed: [], commit, files: [...files], round, startHead, held };
          break;
        }
      }
      if (committed) {
        commit = committed.sha;
        committed.files.forEach((f) => files.add(f));
        ctx.bus.emit(workflowId, 'agent.committed', { taskId: task.id, branch: ws.branch, sha: committed.sha, message: `${task.title} (round ${round})`, files: committed.files }, agent.id);
      }
      if (!ended) {
        throw new AgentStopped(`${agent.id} did not finish ${task.id} within ${ctx.team.limits.maxSteps} steps.`, 'Raise limits.maxSteps in .baton/agents.yaml or split the task.', 'max-steps');
      }
      if (!outcome.finished && !commit && (writes(agent) || !outcome.summary)) {
        // Nothing to show for the task and no word that it is done: that is no finished work.
        const said = outcome.summary ? `its last reply was ${JSON.stringify(outcome.summary.slice(0, 200))}` : 'its replies were empty';
        throw new AgentStopped(`${agent.id} stopped on ${task.id} without calling finish and without changing anything (${said}).`,
          'The model may not handle tool calling well: give this agent a model that does (model: in .baton/agents.yaml, or baton.model.name), or try again.', 'no-finish');
      }
      const diff = committed && checkersFor(ctx.team.agents, agent).length ? await ctx.workspaces.diffOf(ws, committed.sha) : '';
      const checked = await review(ctx, input, agent, summaryOf(outcome), diff, round);
      r = { outcome, verdict: checked.verdict, unreviewed: checked.missing, commit, files: [...files], round, startHead };
      if (checked.verdict?.verdict !== 'request_changes') break;
      critique = critiqueOf(checked.verdict);
    }
  } catch (e) {
    const startHead = (await prepared.catch(() => undefined))?.startHead;
    if (startHead) await abandonWork(ctx, ws, startHead, step, trash, `${task.title} (${task.id})`, task.id);
    throw e;
  }
  if (r!.verdict?.verdict === 'reject') {
    return { ...r!, commit: undefined, trashed: await abandonWork(ctx, ws, r!.startHead, step, trash, `${task.title} (${task.id}), rejected in review`, task.id) };
  }
  return r!;
}

interface Prepared {
  /** The head the task started from. */
  startHead: string;
  /** A conflict resolution's files that git could not merge: they must hold no marker when the agent finishes. */
  merging: string[];
}

/**
 * The worktree ready for the task: set up, clean at its branch head (a run cut short may have left
 * changes behind), with the commits of the tasks it builds on merged in, and for a conflict the user
 * asked the agent to resolve, the other side's branch being merged.
 */
async function prepare(ctx: EngineContext, input: TaskInput, agent: AgentConfig, ws: Workspace, ensured: Promise<Workspace>): Promise<Prepared> {
  await ensured;
  const startHead = await ctx.workspaces.startFresh(ws);
  // All of them, the agent's own included (already on its branch): tasks with the same upstream share one merge.
  const upstream = await ctx.workspaces.mergeUpstream(ws, input.upstream.flatMap((u) => (u.commit ? [u.commit] : [])));
  if (upstream.conflicted.length) {
    ctx.bus.emit(input.workflowId, 'agent.message', { taskId: input.task.id, role: 'system', content: `Could not merge ${upstream.conflicted.map((c) => c.slice(0, 7)).join(', ')} from the tasks this one depends on (conflicts); working from the branch as it is.` }, agent.id);
  }
  const resolve = input.task.resolve;
  if (!resolve) return { startHead, merging: [] };
  const merge = await ctx.workspaces.startMerge(ws, resolve.branch);
  const said = merge.upToDate ? `${ws.branch} already has every commit of ${resolve.branch}: nothing to merge.`
    : merge.conflicted.length ? `Merging ${resolve.branch} into ${ws.branch}: git could not merge ${merge.conflicted.join(', ')}; each holds conflict markers to resolve.`
      : `Merging ${resolve.branch} into ${ws.branch}: everything merged cleanly; the task's commit concludes the merge.`;
  ctx.bus.emit(input.workflowId, 'agent.message', { taskId: input.task.id, role: 'system', content: said }, agent.id);
  return { startHead, merging: merge.conflicted };
}

/**
 * A change held for the 'secret' approval: a person says whether what looks like a secret is one. Approved, it is
 * committed as it is (settle.ts); rejected, it is dropped and the task counts as rejected by that person. Every
 * other reason to ask rides on the same approval.
 */
function heldForApproval(base: TaskResult, held: HeldChange, round: number, others: readonly string[]): TaskResult {
  const { taskId, agentId } = base;
  const also = others.length ? ` Also, the task ${others.join('; ')}.` : '';
  return {
    ...base, status: 'needs-approval', held: { sha: held.sha, ref: held.ref, files: held.files },
    approval: {
      approvalId: `${taskId}-secret-r${round}`, taskId, agentId, trigger: 'secret', phase: 'after', files: [...new Set(held.hits.map((h) => h.path))],
      reason: `Task ${taskId}'s commit would hold what looks like a secret in ${describeHits(held.hits)}. Nothing was committed: approve if none of these is a secret (the change is committed as it is), or reject to drop the change.${also}`,
    },
  };
}

/** What the agent said it did; for one that never called finish, its last words, marked as such. */
function summaryOf(o: AgentOutcome): string {
  return o.end === 'no-finish' ? `(Ended without calling finish.) ${o.summary || 'It gave no summary.'}` : o.summary;
}

/** Whether the agent can change its worktree; a read-only agent's work is what it says. */
function writes(agent: AgentConfig): boolean {
  return agent.tools.some((t) => t === 'write_file' || t === 'edit_file' || t === 'run_command');
}

function work(ctx: EngineContext, input: TaskInput, agent: AgentConfig, ws: Workspace, critique: string | undefined, ready: Promise<unknown>): Promise<AgentOutcome> {
  return runAgent({
    ready,
    gateway: ctx.gateway,
    bus: ctx.bus,
    agent,
    call: { workflowId: input.workflowId, agentId: agent.id, taskId: input.task.id, model: agent.model, signal: ctx.signal },
    tools: {
      root: ws.path,
      signal: ctx.signal,
      allowCommands: ctx.allowCommands,
      approveCommand: ctx.approveCommand ? (command, why) => ctx.approveCommand!(command, agent.id, input.task.id, why) : undefined,
      commands: ctx.commands,
      limits: defaultToolLimits,
    },
    system: agentSystemPrompt(agent, input.task.title),
    prompt: taskPrompt(input, critique),
    maxSteps: ctx.team.limits.maxSteps,
    timeoutMs: ctx.team.limits.timeoutSeconds * 1000,
  });
}
