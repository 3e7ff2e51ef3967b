import { BatonError } from './errors';
import type { EventBus } from './events/eventBus';
import { gitOut } from './git/gitRunner';
import { listSnapshots, readSnapshot } from './git/snapshotRecord';
import type { AgentWorkspaces } from './git/workspaces';
import type { WorkflowGraph } from './graph/graph';
import type { TaskResult, WorkflowStateType } from './graph/state';
import type { WorkflowRecord, WorkflowRecords } from './workflowRecords';

/** How far back a rollback goes: one task, a graph checkpoint, a snapshot, or the very start. */
export type RollbackTarget =
  | { level: 'step'; taskId: string }
  | { level: 'checkpoint'; checkpointId: string }
  | { level: 'snapshot'; snapshot?: number }
  | { level: 'restart' };

export interface RollbackResult {
  level: RollbackTarget['level'];
  /** The agent branches that were moved (or checked and already in place). */
  branches: string[];
  snapshot?: number;
  checkpointId?: string;
  /** Tasks whose results were taken back and will run again. */
  tasks: string[];
}

/** A point of the workflow's graph history a rollback can go back to. */
export interface CheckpointEntry {
  checkpointId: string;
  step: number;
  createdAt?: string;
  /** What runs next from there (e.g. `route`, `dispatch`). */
  next: string[];
  /** Tasks with a result at that point. */
  finished: string[];
}

interface Deps {
  repoDir: string;
  graph: WorkflowGraph;
  workspaces: AgentWorkspaces;
  records: WorkflowRecords;
  bus: EventBus;
  config: (record: WorkflowRecord) => { configurable: { thread_id: string } };
}

const finishedStatuses: ReadonlySet<TaskResult['status']> = new Set(['done', 'failed', 'rejected', 'skipped']);

/**
 * Rolls a stopped workflow back at one of four levels, graph state and git together. Branches move
 * back with `AgentWorkspaces.revertTo`, which keeps every abandoned head under refs/baton/trash/, so
 * no commit is lost; the user's branch is never touched. The graph is rewound by writing a new
 * checkpoint (a copy of an old one, or a state update), so the history itself stays complete.
 */
export class Rollbacks {
  constructor(private readonly d: Deps) {}

  async checkpoints(record: WorkflowRecord): Promise<CheckpointEntry[]> {
    const out: CheckpointEntry[] = [];
    for await (const s of this.d.graph.getStateHistory(this.d.config(record))) {
      const id = s.config.configurable?.checkpoint_id as string | undefined;
      if (!id) continue;
      const results = (s.values as Partial<WorkflowStateType>).results ?? {};
      out.push({ checkpointId: id, step: Number(s.metadata?.step ?? -1), createdAt: s.createdAt, next: [...s.next], finished: Object.keys(results).filter((t) => finishedStatuses.has(results[t]!.status)) });
    }
    return out.reverse();
  }

  async run(record: WorkflowRecord, target: RollbackTarget): Promise<RollbackResult> {
    switch (target.level) {
      case 'snapshot': return this.toSnapshot(record, target.snapshot);
      case 'checkpoint': return this.toCheckpoint(record, target.checkpointId, 'checkpoint');
      case 'restart': {
        const first = (await this.checkpoints(record))[0];
        if (!first) throw new BatonError(`Workflow ${record.id} has not started yet, so there is nothing to restart.`, `Run it: baton resume ${record.id}`, 'usage');
        return this.toCheckpoint(record, first.checkpointId, 'restart');
      }
      case 'step': return this.retryStep(record, target.taskId);
    }
  }

  /** Level 3: every branch to the heads a snapshot recorded, the graph to the checkpoint it names. */
  private async toSnapshot(record: WorkflowRecord, to?: number): Promise<RollbackResult> {
    const known = await listSnapshots(this.d.repoDir, record.id);
    const n = to ?? known.at(-1);
    if (n === undefined) throw new BatonError(`Workflow ${record.id} has no snapshot yet.`, 'Snapshots are made before each wave of agents.', 'usage');
    const snap = await readSnapshot(this.d.repoDir, record.id, n);
    if (!snap.checkpointId) throw new BatonError(`Snapshot ${n} of ${record.id} names no graph checkpoint, so it cannot be restored.`, undefined, 'state');
    // The graph first: if it fails, no branch has moved.
    await this.copyCheckpoint(record, snap.checkpointId);
    const branches = await this.moveBranches(record, (branch) => snap.heads[branch] ?? snap.base, `rollback-${n}`);
    return this.done(record, { level: 'snapshot', branches, snapshot: n, checkpointId: snap.checkpointId, tasks: [] }, snap.reason);
  }

  /**
   * Levels 2 and 4: the graph to a checkpoint of its history (the first one, for a restart), and
   * each agent branch to its last commit that checkpoint knows of, or to the base.
   */
  private async toCheckpoint(record: WorkflowRecord, checkpointId: string, level: 'checkpoint' | 'restart'): Promise<RollbackResult> {
    const state = await this.d.graph.getState({ configurable: { ...this.d.config(record).configurable, checkpoint_id: checkpointId } });
    if (!state.config.configurable?.checkpoint_id || !state.createdAt) {
      const ids = (await this.checkpoints(record)).map((c) => c.checkpointId);
      throw new BatonError(`Workflow ${record.id} has no checkpoint ${checkpointId}.`, ids.length ? `List them with: baton rollback ${record.id} --list` : 'It has none yet.', 'usage');
    }
    const results = Object.values((state.values as Partial<WorkflowStateType>).results ?? {});
    const heads = await this.headsFrom(record, results);
    await this.copyCheckpoint(record, checkpointId);
    const branches = await this.moveBranches(record, (branch) => heads.get(branch) ?? record.baseCommit, `${level}-${checkpointId.slice(0, 8)}`);
    return this.done(record, { level, branches, checkpointId, tasks: [] }, level === 'restart' ? 'restart from the beginning' : undefined);
  }

  /**
   * Level 1: one task's result is taken back, with the results of the tasks that were skipped
   * because of it, and its agent's branch returns to where it was before the task; the next run
   * does the task again. Refused where later work builds on it: a snapshot rollback is the way then.
   */
  private async retryStep(record: WorkflowRecord, taskId: string): Promise<RollbackResult> {
    const state = (await this.d.graph.getState(this.d.config(record))).values as WorkflowStateType;
    const r = state.results?.[taskId];
    const plan = state.plan ?? [];
    if (!plan.some((t) => t.id === taskId)) throw new BatonError(`Workflow ${record.id} has no task "${taskId}".`, `Its tasks: ${plan.map((t) => t.id).join(', ') || 'none yet'}.`, 'usage');
    if (!r || !finishedStatuses.has(r.status)) throw new BatonError(`Task ${taskId} has not finished${r ? ` (it is ${r.status})` : ''}, so there is nothing to retry.`, r?.status === 'needs-approval' ? `Approve or reject it first: baton reject ${record.id}` : undefined, 'usage');
    if (r.subWorkflow) throw new BatonError(`Task ${taskId} is an epic run by a sub-workflow, which cannot be retried as one step.`, `Roll back to a snapshot instead: baton rollback ${record.id} --to N`, 'usage');
    const dependents = dependentsOf(state, taskId);
    const builtOn = dependents.filter((t) => state.results[t] && state.results[t]!.status !== 'skipped');
    if (builtOn.length) throw new BatonError(`Later tasks (${builtOn.join(', ')}) already build on ${taskId}.`, `Roll back to the snapshot before ${taskId} instead: baton rollback ${record.id} --list shows them.`, 'usage');
    const ws = this.d.workspaces.workspaceOf(record.id, r.agentId);
    if (r.commit && r.startHead) {
      // After the workflow ended its branch was removed: ensure brings it back from refs/baton/trash/<id>/ended/.
      const agentWs = await this.d.workspaces.ensure(record.id, r.agentId, record.baseCommit);
      const head = await this.d.workspaces.headOf(agentWs);
      if (head !== r.commit) throw new BatonError(`${r.agentId} has worked on its branch since ${taskId}, so it cannot be undone alone.`, `Roll back to a snapshot instead: baton rollback ${record.id} --list shows them.`, 'usage');
      await this.d.workspaces.revertTo(agentWs, r.startHead, `refs/baton/trash/${record.id}/retry-${taskId}-${Date.now().toString(36)}/${r.agentId}`);
    }
    const tasks = [taskId, ...dependents];
    // A result set to undefined is removed by the state's reducer; so are the task's approvals,
    // which the retried work must earn again.
    const results = Object.fromEntries(tasks.map((t) => [t, undefined]));
    const approvals = Object.fromEntries(Object.keys(state.approvals ?? {}).filter((id) => tasks.some((t) => id.startsWith(`${t}-`))).map((id) => [id, undefined]));
    // As if a task node wrote it: the graph's next step is then dispatch, which runs the task again.
    await this.d.graph.updateState(this.d.config(record), { results, approvals } as never, 'runTask');
    return this.done(record, { level: 'step', branches: r.commit ? [ws.branch] : [], tasks }, `retry ${taskId}`);
  }

  /** The head of each agent branch as a set of task results leaves it: the newest commit per agent. */
  private async headsFrom(record: WorkflowRecord, results: TaskResult[]): Promise<Map<string, string>> {
    const byAgent = new Map<string, string[]>();
    for (const r of results) {
      const commits = [...(r.commits ?? []), ...(r.commit ? [r.commit] : [])];
      if (commits.length) byAgent.set(r.agentId, [...(byAgent.get(r.agentId) ?? []), ...commits]);
    }
    const heads = new Map<string, string>();
    for (const [agentId, commits] of byAgent) {
      // An agent's tasks follow one another on its branch: the newest is the one no other descends from.
      const tips = (await gitOut(['merge-base', '--independent', ...new Set(commits)], { cwd: this.d.repoDir })).split('\n').filter(Boolean);
      heads.set(this.d.workspaces.workspaceOf(record.id, agentId).branch, tips[0]!);
    }
    return heads;
  }

  private async copyCheckpoint(record: WorkflowRecord, checkpointId: string): Promise<void> {
    await this.d.graph.updateState({ configurable: { ...this.d.config(record).configurable, checkpoint_id: checkpointId } }, undefined, '__copy__');
  }

  private async moveBranches(record: WorkflowRecord, headOf: (branch: string) => string, label: string): Promise<string[]> {
    const stamp = Date.now().toString(36);
    const moved: string[] = [];
    for (const agentId of await this.agentsOf(record.id)) {
      const ws = await this.d.workspaces.ensure(record.id, agentId, record.baseCommit);
      const branch = ws.branch;
      await this.d.workspaces.revertTo(ws, headOf(branch), `refs/baton/trash/${record.id}/${label}-${stamp}/${agentId}`);
      moved.push(branch);
    }
    return moved;
  }

  /** The workflow's agents with a branch, or with one removed when the workflow ended (kept under .../ended/). */
  private async agentsOf(workflowId: string): Promise<string[]> {
    const names = new Set((await this.d.workspaces.branchesOf(workflowId)).map((b) => b.split('/').pop()!));
    const ended = await gitOut(['for-each-ref', '--format=%(refname)', `refs/baton/trash/${workflowId}/ended/`], { cwd: this.d.repoDir });
    for (const ref of ended.split('\n').filter(Boolean)) names.add(ref.split('/').pop()!);
    names.delete('integration');
    return [...names].sort();
  }

  private async done(record: WorkflowRecord, result: RollbackResult, reason?: string): Promise<RollbackResult> {
    const where = result.level === 'snapshot' ? `snapshot ${result.snapshot}` : result.level === 'step' ? `before ${result.tasks[0]}` : result.level === 'restart' ? 'the start' : `checkpoint ${result.checkpointId?.slice(0, 8)}`;
    await this.d.records.update(record.id, { status: 'paused', currentStep: `rolled back to ${where}`, error: undefined, updatedAt: new Date().toISOString() });
    this.d.bus.emit(record.id, 'rollback.done', {
      level: result.level, toSnapshot: result.snapshot, ref: result.snapshot !== undefined ? `refs/baton/snapshots/${record.id}/${result.snapshot}` : undefined,
      checkpointId: result.checkpointId, tasks: result.tasks.length ? result.tasks : undefined, branches: result.branches, reason,
    });
    return result;
  }
}

/** Every task that depends on `taskId`, directly or through others. */
function dependentsOf(state: WorkflowStateType, taskId: string): string[] {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of state.plan) {
      if (out.has(t.id) || t.id === taskId) continue;
      if (t.dependsOn.some((d) => d === taskId || out.has(d))) {
        out.add(t.id);
        grew = true;
      }
    }
  }
  return [...out];
}
