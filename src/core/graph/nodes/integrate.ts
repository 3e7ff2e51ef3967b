import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { conflictId } from '../../git/conflictScan';
import { runGit } from '../../git/gitRunner';
import { changedFiles, fileRanges, mergeBranches } from '../../git/integration';
import type { Workspace } from '../../git/workspaces';
import { runCheck } from '../checkRun';
import type { CheckOutcome, CheckSettings } from '../checkRun';
import { engineContext } from '../context';
import { mergeApprovalId } from './land';
import type { EngineContext } from '../context';
import type { PlannedTask } from '../schemas';
import type { Assignment, IntegrationConflict, IntegrationResult, WorkflowStateType, WorkflowUpdate } from '../state';

const agentOf = (branch: string): string => branch.split('/').pop() ?? branch;

/** The tasks' outcomes as the integration sees them: a retried or added task changes it. */
export function settledKey(state: WorkflowStateType): string {
  return state.plan.map((t) => `${t.id}:${state.results[t.id]?.status ?? '-'}:${state.results[t.id]?.commit ?? ''}`).join(',');
}

/** An integration that still matches the tasks' results and needs no fix round. */
export function integrationCurrent(state: WorkflowStateType): boolean {
  return !!state.integration && !state.integration.redo && state.integration.seen === settledKey(state);
}

/**
 * When the agents' work is done: merges every agent branch into baton/<workflow>/integration in a
 * scratch worktree and runs the project's check there. A branch that cannot be merged, and a
 * branch whose work breaks the check, is announced as a conflict (textual, semantic) naming its
 * agent; within check.fixRounds, that agent gets a task to fix it on its own branch, and the
 * workflow integrates again once it ran.
 */
export async function integrate(state: WorkflowStateType, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  const wf = state.workflowId;
  const base = ctx.baseCommit;
  const repoDir = ctx.workspaces.repoDir;
  // Merged in git's object store; a worktree is checked out only for the project's check to run in.
  const merge = await mergeBranches(repoDir, base, await ctx.workspaces.branchesOf(wf), ctx.signal);
  const integrationBranch = await ctx.workspaces.setIntegrationHead(wf, merge.head);
  const conflicts: IntegrationConflict[] = [];
  for (const r of merge.refused) {
    const branches = [r.branch, ...r.with];
    const others = r.with.length ? r.with.map(agentOf).join(', ') : 'the work merged before it';
    conflicts.push({
      id: conflictId('integration-textual', branches, r.files.join('\0')), kind: 'textual', agents: [agentOf(r.branch)], branches, files: r.files,
      description: `${agentOf(r.branch)}'s work (${r.branch}) does not merge with ${others}: git cannot combine ${r.files.slice(0, 5).join(', ')}. It is left out of ${integrationBranch}; ask ${agentOf(r.branch)} to build on the other change, or merge it by hand.`,
    });
  }
  let check: IntegrationResult['check'];
  if (ctx.check && merge.merged.length) {
    const ws = await ctx.workspaces.integrationWorkspace(wf, merge.head);
    const outcome = await runCheck(ctx.check, ws.path, ctx.signal, ctx);
    check = { command: ctx.check.command, ok: outcome.ok, detail: outcome.detail };
    if (!outcome.ok && !outcome.notRun) {
      const blamed = await blame(ctx, ctx.check, ws, base, merge.merged, outcome);
      conflicts.push(...blamed.conflicts);
      if (blamed.baseFails) check.detail = `${outcome.detail}\n(it fails on the base commit too, before any agent's work)`;
    }
  }
  await announce(ctx, state, repoDir, base, conflicts);
  const round = (state.integration?.round ?? 0) + 1;
  const fixes = ctx.check && round <= ctx.check.fixRounds ? fixTasks(state, ctx.check, conflicts, round) : [];
  const files = merge.head === base ? [] : await changedFiles(repoDir, base, merge.head, ctx.signal);
  const integration: IntegrationResult = { branch: integrationBranch, head: merge.head, merged: merge.merged, files, conflicts, check, redo: fixes.length > 0, round, seen: settledKey(state) };
  // A merge decided for an earlier result (before a retried step) does not carry over to this one.
  const fresh: WorkflowUpdate = { integration, approvals: { [mergeApprovalId]: undefined } as never };
  if (!fixes.length) return fresh;
  const assignments: Record<string, Assignment> = {};
  for (const { task, agentId } of fixes) {
    assignments[task.id] = { agentId, strategy: 'integration', rationale: `${agentId}'s branch breaks \`${ctx.check!.command}\`` };
    ctx.bus.emit(wf, 'task.routed', { taskId: task.id, agentId, strategy: 'integration', rationale: assignments[task.id]!.rationale });
  }
  return { ...fresh, plan: [...state.plan, ...fixes.map((f) => f.task)], assignments };
}

/**
 * Which agents' work breaks the check: each merged branch is checked alone. Those that fail alone
 * are to blame; if none does, the combination is (a semantic conflict between them all). If every
 * one fails alone, the base is checked too: a check that already failed before the agents started
 * is nobody's conflict.
 */
async function blame(ctx: EngineContext, check: CheckSettings, ws: Workspace, base: string, merged: readonly string[], together: CheckOutcome): Promise<{ conflicts: IntegrationConflict[]; baseFails: boolean }> {
  const alone: { branch: string; outcome: CheckOutcome }[] = [];
  try {
    if (merged.length === 1) alone.push({ branch: merged[0]!, outcome: together }); // one branch merged is that branch alone
    else {
      for (const branch of merged) {
        await checkout(ws, branch, ctx.signal);
        const outcome = await runCheck(check, ws.path, ctx.signal, ctx);
        if (!outcome.ok) alone.push({ branch, outcome });
      }
    }
    if (alone.length === merged.length) {
      await checkout(ws, base, ctx.signal);
      if (!(await runCheck(check, ws.path, ctx.signal, ctx)).ok) return { conflicts: [], baseFails: true };
    }
  } finally {
    await runGit(['checkout', '--quiet', '--force', ws.branch], { cwd: ws.path });
  }
  if (!alone.length) {
    const branches = [...merged];
    return {
      baseFails: false,
      conflicts: [{
        id: conflictId('semantic', branches, 'together'), kind: 'semantic', agents: branches.map(agentOf), branches, files: await sharedFiles(ws.path, base, branches, ctx.signal),
        description: `Each of ${branches.map(agentOf).join(', ')} passes \`${check.command}\` alone, but their work together fails it: ${together.detail.slice(0, 600)}`,
      }],
    };
  }
  const conflicts: IntegrationConflict[] = [];
  for (const { branch, outcome } of alone) {
    const branches = [branch, ws.branch];
    conflicts.push({
      id: conflictId('semantic', branches, 'alone'), kind: 'semantic', agents: [agentOf(branch)], branches, files: await changedFiles(ws.path, base, branch, ctx.signal),
      description: `${agentOf(branch)}'s work (${branch}) breaks \`${check.command}\`, even merged alone: ${outcome.detail.slice(0, 600)}`,
    });
  }
  return { conflicts, baseFails: false };
}

async function checkout(ws: Workspace, ref: string, signal: AbortSignal): Promise<void> {
  await runGit(['checkout', '--quiet', '--force', '--detach', ref], { cwd: ws.path, signal });
  await runGit(['clean', '-fdq'], { cwd: ws.path, signal });
}

/** The files changed by more than one of `branches`, or all of them when none is shared. */
async function sharedFiles(repoDir: string, base: string, branches: readonly string[], signal: AbortSignal): Promise<string[]> {
  const counts = new Map<string, number>();
  for (const b of branches) for (const f of await changedFiles(repoDir, base, b, signal)) counts.set(f, (counts.get(f) ?? 0) + 1);
  const shared = [...counts].filter(([, n]) => n > 1).map(([f]) => f);
  return shared.length ? shared : [...counts.keys()];
}

/**
 * conflict.detected for each integration conflict (with the lines each branch changes, so the
 * editor marks them), and conflict.resolved for those of the last integration that are gone.
 */
async function announce(ctx: EngineContext, state: WorkflowStateType, repoDir: string, base: string, conflicts: readonly IntegrationConflict[]): Promise<void> {
  const now = new Set(conflicts.map((c) => c.id));
  for (const old of state.integration?.conflicts ?? []) {
    if (!now.has(old.id)) ctx.bus.emit(state.workflowId, 'conflict.resolved', { id: old.id, how: 'agent', detail: `${old.agents.join(', ')}: resolved at integration ${(state.integration?.round ?? 0) + 1}.` });
  }
  // A textual conflict the live prediction already announced (same branches, same files) is the same
  // conflict: the user sees it once.
  await ctx.predicted?.settled(state.workflowId);
  const predicted = ctx.predicted?.current(state.workflowId).filter((p) => p.kind === 'textual') ?? [];
  const seen = (c: IntegrationConflict) => c.kind === 'textual' && c.files.every((f) => c.branches.slice(1).some((other) =>
    predicted.some((p) => p.file.path === f && p.branches.includes(c.branches[0]!) && p.branches.includes(other))));
  for (const c of conflicts) {
    if (seen(c)) continue;
    const files = await fileRanges(repoDir, base, c.branches.filter((b) => b !== `baton/${state.workflowId}/integration`), c.files, ctx.signal);
    ctx.bus.emit(state.workflowId, 'conflict.detected', { id: c.id, kind: c.kind, branches: c.branches, files, description: c.description });
  }
}

/** One task per agent whose own branch breaks the check: fix it there. Combinations and textual conflicts go to the user. */
function fixTasks(state: WorkflowStateType, check: CheckSettings, conflicts: readonly IntegrationConflict[], round: number): { task: PlannedTask; agentId: string }[] {
  return conflicts.filter((c) => c.kind === 'semantic' && c.agents.length === 1).map((c) => {
    const agentId = c.agents[0]!;
    const id = `fix-${agentId}-${round}`.slice(0, 40);
    return {
      agentId,
      task: {
        id, title: `Make \`${check.command}\` pass with your work`, capabilities: ['fix'], dependsOn: [], files: c.files.slice(0, 20), risks: [],
        description: `Baton merged every agent's work for "${state.task}" and ran the project's check \`${check.command}\`. It fails with your branch merged alone:\n${c.description}\n` +
          `Fix the cause on your branch, keeping what your earlier tasks were for, and run \`${check.command}\` if you can. Done when it passes.`,
      },
    };
  });
}
