import { randomBytes } from 'node:crypto';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { bulkhead } from 'cockatiel';
import type { TeamConfig } from './config/teamSchema';
import type { ApprovalTrigger, WorkflowMode } from './config/vocabulary';
import { estimateCost } from './cost/estimate';
import { rollUpCosts } from './cost/ledger';
import type { CostRollUp } from './cost/ledger';
import type { CostEstimate } from './cost/estimate';
import type { Pricing } from './cost/pricing';
import { budgetChange } from './cost/budgetChange';
import { tokenBudgetFor, unpricedModels } from './cost/tokenBudget';
import { planResolution } from './conflictRequests';
import { runInput } from './resumeInput';
import type { AskedResolution, ResolveRequest, ResolveTicket } from './conflictRequests';
import { BatonError, WorkflowPaused } from './errors';
import { auditLogPath, readAuditLog, restoreSeq } from './events/auditLog';
import type { EventBus } from './events/eventBus';
import { ConflictSchedule } from './git/conflictSchedule';
import { agentChanges, workflowHeads } from './git/refFiles';
import type { AgentChanges } from './git/refFiles';
import { listSnapshots, readSnapshot } from './git/snapshotRecord';
import { processAlive } from './liveness';
import type { SnapshotRecord } from './git/snapshotRecord';
import { takeSide } from './git/takeSide';
import type { TakeSideResult } from './git/takeSide';
import { AgentWorkspaces } from './git/workspaces';
import { buildWorkflowGraph } from './graph/graph';
import type { WorkflowGraph } from './graph/graph';
import { policyDecider } from './graph/context';
import type { ApprovalPolicy, EngineContext } from './graph/context';
import { openApprovals, pendingApprovalsIn } from './graph/interrupts';
import type { IntegrationResult, WorkflowStateType } from './graph/state';
import { createChatModel } from './models/chatModel';
import { ModelGateway } from './models/modelGateway';
import { RateLimiter } from './models/rateLimiter';
import type { LearningMemory, Recollection } from './learningMemory';
import type { ModelEndpoint } from './modelEndpoint';
import { resilienceWith } from './resilience/resilienceOptions';
import type { ResilienceOptions } from './resilience/resilienceOptions';
import { Rollbacks } from './rollbacks';
import { WorkflowOutcomes } from './workflowOutcome';
import type { CheckpointEntry, RollbackResult, RollbackTarget } from './rollbacks';
import type { PendingApproval, RunSettings, WorkflowRecord, WorkflowRecords } from './workflowRecords';
import { cleanUpWorkflow } from './workflowEnd';
import type { CommandSandbox } from './sandbox/sandboxStatus';
import { hasRequests } from './config/repoRequests';
import { grantRequests } from './repoTrust';
import type { Granted, RepoTrust, RepoTrustStatus } from './repoTrust';

export interface EngineOptions {
  repoDir: string;
  /** The repository's git directory + /baton: worktrees, database, audit logs. */
  batonDir: string;
  team: TeamConfig;
  endpoint: ModelEndpoint;
  /** Replaces the OpenAI-compatible client, e.g. with the demo's scripted model. */
  createModel?: (model: string) => BaseChatModel;
  bus: EventBus;
  checkpointer: BaseCheckpointSaver;
  records: WorkflowRecords;
  concurrency: number;
  requestsPerMinute: number;
  approvals: { require: readonly ApprovalTrigger[]; confidenceThreshold: number; mode: ApprovalPolicy['mode'] };
  allowCommands: readonly string[];
  approveCommand?: EngineContext['approveCommand'];
  /** Environment variable names commands get besides the built-in list (`baton.commands.env`). */
  commandEnv?: readonly string[];
  /** The sandbox of commands and the check; unset: bubblewrap from PATH. Tests point it at a missing one. */
  sandbox?: CommandSandbox;
  pricing: Pricing;
  /** What earlier workflows taught: read before a run, written when one ends. */
  memory?: LearningMemory;
  /** Dry-run merges between the agents' branches after each commit (on unless false). */
  predictConflicts?: boolean;
  /** The user's own check, run on the integrated result (e.g. `npm test`); it wins over agents.yaml's check.command. */
  checkCommand?: string;
  /**
   * The user's answer about what the repository's team file requests (its check, allowed commands), read at each
   * run. Absent: nothing it requests takes effect.
   */
  repoTrust?: Pick<RepoTrust, 'status'>;
  /** Ask to merge the integrated result into the user's branch, and land it once approved (on unless false). */
  mergeOnApproval?: boolean;
  /** Keep a workflow's worktrees and branches when it ends (baton.git.keepWorktrees); off: removed. */
  keepWorktrees?: boolean;
  /** Retries, call timeout, circuit breakers and fallback models (`baton.model.fallbacks`); unset: defaults. */
  resilience?: Partial<ResilienceOptions>;
}

export interface StartOptions {
  mode?: WorkflowMode;
  budgetUsd?: number;
  /** `budget.tokens`: the budget in tokens; unset, derived from the dollar budget when a model has no known price. */
  budgetTokens?: number;
}

export type RunOutcome =
  | { status: 'completed'; summary: string; costUsd: number }
  | { status: 'failed'; error: string; costUsd: number }
  | { status: 'waiting'; approvals: PendingApproval[]; costUsd: number }
  | { status: 'paused'; reason: 'budget'; approvals: PendingApproval[]; costUsd: number }
  /** Paused by the user (Engine.pause): the agents stopped; branches and worktrees stay; `run` goes on. */
  | { status: 'paused'; reason: 'user'; approvals: PendingApproval[]; costUsd: number }
  /** The integrated result cannot land on the user's branch as it is: `detail` says why and what to do, then resume. */
  | { status: 'paused'; reason: 'merge'; detail: string; approvals: PendingApproval[]; costUsd: number }
  | { status: 'cancelled'; costUsd: number };

/** Ids are short, sortable by time, and safe in a branch name (baton/<id>/<agent>). */
export function newWorkflowId(now = new Date()): string {
  return `wf-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
}

/** A workflow's budget when neither the caller nor the settings give one. */
export const defaultBudgetUsd = 2;

/**
 * The one façade the CLI, the extension and the HTTP API call. It owns the compiled graph, the
 * model gateway (rate limit, costs), the agents' worktrees and the concurrency pool, and turns
 * each graph run into what a user sees: events, records and an outcome.
 */
export class Engine {
  private readonly graph: WorkflowGraph;
  private readonly gateway: ModelGateway;
  private readonly workspaces: AgentWorkspaces;
  private readonly rollbacks: Rollbacks;
  private readonly outcomes: WorkflowOutcomes;
  private readonly pool;
  private readonly running = new Map<string, AbortController>();
  private readonly conflicts: ConflictSchedule | undefined;
  /** Conflict resolutions the user asked for, taken by the workflow's next run(). */
  private readonly asked = new Map<string, AskedResolution[]>();
  /** Workflow and content pairs whose ignored requests were said already: once is enough. */
  private readonly saidIgnored = new Set<string>();

  constructor(private readonly options: EngineOptions) {
    this.graph = buildWorkflowGraph(options.checkpointer);
    // No agent commit may hold what Baton itself holds: its model key, and whatever the bus is told to blank out.
    this.workspaces = new AgentWorkspaces(options.repoDir, options.batonDir, () => [...(options.endpoint.apiKey ? [options.endpoint.apiKey] : []), ...options.bus.knownSecrets()]);
    this.rollbacks = new Rollbacks({ repoDir: options.repoDir, graph: this.graph, workspaces: this.workspaces, records: options.records, bus: options.bus, config: (r) => this.config(r) });
    this.outcomes = new WorkflowOutcomes({
      records: options.records, bus: options.bus, team: options.team, memory: options.memory,
      spentUsd: (id) => this.gateway.spentUsd(id), pendingApprovals: (id) => this.pendingApprovals(id), record: (id) => this.record(id), cleanUp: (id) => this.cleanUp(id),
    });
    this.pool = bulkhead(Math.max(1, options.concurrency), Number.MAX_SAFE_INTEGER);
    const resilience = resilienceWith(options.resilience);
    this.gateway = new ModelGateway({
      bus: options.bus,
      limiter: new RateLimiter(options.requestsPerMinute),
      pricing: options.pricing,
      defaultModel: options.endpoint.model,
      // The client's own clock is a backstop only: the gateway's timeout fires first and explains itself.
      createModel: options.createModel ?? ((model) => createChatModel(options.endpoint, model, { timeoutMs: resilience.callTimeoutMs + 5_000 })),
      resilience,
    });
    if (options.predictConflicts !== false) this.conflicts = new ConflictSchedule(options.repoDir, options.bus, this.workspaces, options.records);
  }

  /** Resolves when the conflict predictions for the workflow's commits so far have been made. */
  async conflictsSettled(workflowId: string): Promise<void> {
    await this.conflicts?.settled(workflowId);
  }

  get bus(): EventBus {
    return this.options.bus;
  }

  /**
   * What a workflow for `task` will likely cost, before anything is sent: the prompts Baton will
   * send times the work a plan usually holds, refined by what earlier workflows here cost.
   */
  async estimate(task: string): Promise<CostEstimate> {
    const past = (await this.options.records.list()).filter((r) => r.status === 'completed').map((r) => r.costUsd);
    const lessons = (await this.options.memory?.recall(task))?.lessons ?? [];
    return estimateCost({ task, team: this.options.team, model: this.options.endpoint.model, pricing: this.options.pricing, lessons, pastCostsUsd: past });
  }

  /** Records a new workflow and announces it; run() does the work. */
  async start(task: string, options: StartOptions = {}): Promise<string> {
    if (!task.trim()) throw new BatonError('The task is empty.', 'Describe the job, e.g. baton run "add input validation to the signup form".', 'usage');
    const id = newWorkflowId();
    const now = new Date().toISOString();
    const mode = options.mode ?? this.options.team.mode ?? 'centralized';
    const budgetUsd = options.budgetUsd ?? defaultBudgetUsd;
    // A model no price list knows costs $0 here: the budget then holds in tokens as well, and the user is told.
    const unpriced = this.unpricedModels();
    const budgetTokens = options.budgetTokens ?? (unpriced.length ? tokenBudgetFor(budgetUsd, this.options.pricing) : 0);
    const [baseCommit, baseBranch] = await Promise.all([this.workspaces.headCommit(), this.workspaces.currentBranch()]);
    if (!baseBranch) {
      throw new BatonError(`${this.options.repoDir} is on a detached HEAD (at ${baseCommit.slice(0, 7)}): Baton's agents branch off your current branch, and their work is merged back into it.`,
        'Check out a branch first (e.g. `git switch -c my-feature`), then start the workflow again.', 'usage');
    }
    await this.options.records.create({
      id, task, mode, status: 'queued', budgetUsd, budgetTokens, costUsd: 0, baseCommit, createdAt: now, updatedAt: now,
      progress: { done: 0, failed: 0, notRun: 0, total: 0 }, runSettings: this.runSettings(),
    });
    this.bus.emit(id, 'workflow.started', {
      task, mode, budgetUsd, model: this.options.endpoint.model, baseBranch,
      ...(unpriced.length ? { unpricedModels: unpriced } : {}), ...(budgetTokens ? { budgetTokens } : {}),
    });
    return id;
  }

  /** How this engine runs workflows: kept with each workflow it runs, so a resume goes on the same way. */
  runSettings(): RunSettings {
    const o = this.options;
    return {
      approve: o.approvals.mode, concurrency: o.concurrency, model: o.endpoint.model, baseUrl: o.endpoint.baseUrl,
      ...(o.checkCommand ? { check: o.checkCommand } : {}), keepWorktrees: o.keepWorktrees === true,
    };
  }

  /** The models this engine's workflows may call (the default, the team's own, the fallbacks) that no price list knows. */
  unpricedModels(): string[] {
    const o = this.options;
    return unpricedModels([o.endpoint.model, ...o.team.agents.flatMap((a) => (a.model ? [a.model] : [])), ...(o.resilience?.fallbackModels ?? [])], o.pricing);
  }

  /**
   * Sets the budget of a workflow that is not running, as a person's decision (`baton resume --budget`, the
   * HTTP API): the budget in tokens scales with it. A workflow stopped at its budget goes on with the next run.
   */
  async setBudget(workflowId: string, budgetUsd: number, reason = 'budget raised'): Promise<void> {
    const record = await this.stopped(workflowId, 'its budget is read as it spends', 'set the budget');
    const used = (await this.costs(workflowId)).total;
    const spent = { usd: Math.max(record.costUsd, this.gateway.spentUsd(workflowId)), tokens: used.promptTokens + used.completionTokens };
    await this.options.records.update(workflowId, { ...budgetChange(record, budgetUsd, spent), updatedAt: new Date().toISOString() });
    const stop = (await this.pendingApprovals(workflowId)).find(isBudgetStop);
    if (stop) await this.options.records.addDecision(workflowId, { approvalId: stop.approvalId, decision: 'approve', reason, budgetUsd });
  }

  /** Runs (or goes on with) a workflow until it completes, fails, waits for a person or is cancelled. */
  async run(workflowId: string): Promise<RunOutcome> {
    const record = await this.record(workflowId);
    await restoreSeq(this.bus, this.options.batonDir, workflowId);
    // After a restart: what each task spent, so a sub-workflow's allowance holds across resumes, and the
    // tokens so far, which a token budget holds against (unpriced calls cost $0, so the record's cost says nothing).
    if (record.status !== 'queued') {
      const costs = await this.costs(workflowId);
      this.gateway.restoreTaskSpend(workflowId, Object.fromEntries(Object.entries(costs.byTask).map(([t, c]) => [t, c.usd])));
      this.gateway.restoreTokens(workflowId, costs.total.promptTokens + costs.total.completionTokens);
    }
    const config = this.config(record);
    const started = await this.graph.getState(config);
    // The record's budget is the one in force: a person may have raised it since the graph last ran.
    this.gateway.setBudget(workflowId, record.budgetUsd, record.budgetTokens);
    const pending = pendingApprovalsIn(started);
    const asked = this.asked.get(workflowId) ?? [];
    this.asked.delete(workflowId);
    const next = runInput(record, started, pending, await this.options.records.decisions(workflowId), asked);
    if ((next.kind === 'resume' || next.kind === 'wait') && next.stale.length) await this.options.records.clearDecisions(workflowId, next.stale);
    if (next.kind === 'wait') return this.outcomes.outcome(workflowId, started);
    if (next.kind === 'ended') {
      // The graph reached its end but the process died before recording the outcome (a kill between the last
      // checkpoint and the record's update): the checkpoint holds the whole result, so record it now.
      if (['queued', 'running'].includes(record.status)) return this.outcomes.outcome(workflowId, started, Math.max(0, Date.now() - Date.parse(record.createdAt)));
      return this.outcomes.ended(record);
    }
    const applied = next.kind === 'resume' ? next.answered.map((a) => a.approval.approvalId) : [];
    if (next.kind === 'resume') {
      for (const { approval: p, decision: d } of next.answered) this.bus.emit(workflowId, 'approval.resolved', { approvalId: p.approvalId, decision: d.decision, reason: d.reason, by: 'user', ...(d.budgetUsd ? { budgetUsd: d.budgetUsd } : {}) });
    }
    if (next.kind !== 'start') this.bus.emit(workflowId, 'workflow.resumed', { detail: next.detail });
    // Before the run is registered: a trust file Baton cannot read stops here, with nothing to undo.
    const granted = await this.granted(workflowId);
    const controller = new AbortController();
    this.running.set(workflowId, controller);
    const recollection = (await this.options.memory?.recall(record.task)) ?? { lessons: [], trackRecords: [] };
    await this.options.records.update(workflowId, { status: 'running', runnerPid: process.pid, runSettings: this.runSettings(), updatedAt: new Date().toISOString() });
    try {
      await this.graph.invoke(next.input as never, { ...config, signal: controller.signal, configurable: { ...config.configurable, baton: this.context(record, controller.signal, recollection, granted) } });
    } catch (e) {
      return this.outcomes.stopped(workflowId, e, controller);
    } finally {
      this.running.delete(workflowId);
      // The run has taken them (its first checkpoint holds the resume values). After a crash they stay,
      // match no pending approval any more, and are cleared with the stale ones below.
      await this.options.records.clearDecisions(workflowId, applied);
      await this.options.records.update(workflowId, { runnerPid: undefined });
    }
    // Approvals still open from before this run were announced then: announce only new ones.
    // From the workflow's start, waits for approvals included: what the user lived through.
    const durationMs = Math.max(0, Date.now() - Date.parse(record.createdAt));
    return this.outcomes.outcome(workflowId, await this.graph.getState(config), durationMs, new Set(pending.map((p) => p.approvalId)));
  }

  /**
   * Records a decision for an approval (or every pending one); resume() applies it. Approving a budget
   * stop takes the new budget (`budgetUsd`): only a person raises a budget, and by how much is theirs to say.
   */
  async decide(workflowId: string, approvalId: string | undefined, decision: 'approve' | 'reject', reason?: string, options: { budgetUsd?: number } = {}): Promise<PendingApproval[]> {
    const pending = await this.pendingApprovals(workflowId);
    const chosen = approvalId ? pending.filter((p) => p.approvalId === approvalId) : pending;
    if (!chosen.length) {
      throw new BatonError(
        approvalId ? `Workflow ${workflowId} has no pending approval "${approvalId}".` : `Workflow ${workflowId} is not waiting for an approval.`,
        pending.length ? `Pending: ${pending.map((p) => p.approvalId).join(', ')}.` : `See its state with: baton status ${workflowId}`,
        'usage');
    }
    const stop = chosen.find(isBudgetStop);
    if (decision === 'approve' && stop) {
      if (options.budgetUsd === undefined) {
        throw new BatonError(`Approving "${stop.approvalId}" raises the budget of workflow ${workflowId}: say to how much.`,
          `Give the new budget: baton resume ${workflowId} --budget USD (or baton approve ${workflowId} ${stop.approvalId} --budget USD).`, 'usage');
      }
      await this.setBudget(workflowId, options.budgetUsd, reason ?? 'budget raised');
    }
    for (const p of chosen) {
      if (p === stop && decision === 'approve') continue;
      await this.options.records.addDecision(workflowId, { approvalId: p.approvalId, decision, reason });
    }
    return chosen;
  }

  async pendingApprovals(workflowId: string): Promise<PendingApproval[]> {
    return pendingApprovalsIn(await this.graph.getState(this.config(await this.record(workflowId))));
  }

  /** The kill switch: every agent of the workflow stops now; the checkpoint keeps it resumable. */
  cancel(workflowId: string): boolean {
    return this.stop(workflowId, new BatonError('The workflow was cancelled.', undefined, 'cancelled'));
  }

  /** Stops every agent of the workflow now, as cancel does, but it stays paused: nothing is cleaned up. */
  pause(workflowId: string): boolean {
    return this.stop(workflowId, new WorkflowPaused());
  }

  private stop(workflowId: string, reason: BatonError): boolean {
    this.running.get(workflowId)?.abort(reason);
    return this.running.has(workflowId);
  }

  /** The workflow's snapshots, oldest first, with what each recorded. */
  async snapshots(workflowId: string): Promise<SnapshotRecord[]> {
    await this.record(workflowId);
    return Promise.all((await listSnapshots(this.options.repoDir, workflowId)).map((n) => readSnapshot(this.options.repoDir, workflowId, n)));
  }

  /**
   * Rolls a stopped workflow back, graph state and agent branches together, at one of four levels:
   * one task (`step`), a graph `checkpoint`, a `snapshot` (the latest by default) or a `restart`.
   * Abandoned heads stay under refs/baton/trash/; the user's branch is never touched. The workflow is
   * then paused, and `run` goes on from there.
   */
  async rollback(workflowId: string, target: RollbackTarget = { level: 'snapshot' }): Promise<RollbackResult> {
    const record = await this.record(workflowId);
    if (this.running.has(workflowId)) throw new BatonError(`Workflow ${workflowId} is running.`, 'Cancel or pause it first, then roll back.', 'usage');
    return this.rollbacks.run(record, target);
  }

  /** What the workflow spent, per agent, task, model and sub-workflow (from its audit log). */
  async costs(workflowId: string): Promise<CostRollUp> {
    await this.record(workflowId);
    const log = await readAuditLog(auditLogPath(this.options.batonDir, workflowId)).catch(() => ({ events: [] }));
    return rollUpCosts(log.events);
  }

  /** The points of a workflow's graph history a checkpoint rollback can go back to, oldest first. */
  async checkpoints(workflowId: string): Promise<CheckpointEntry[]> {
    return this.rollbacks.checkpoints(await this.record(workflowId));
  }

  /** The head of each agent of a workflow that committed something, and of `integration` once merged (live branches, or heads kept after it ended). */
  async agentHeads(workflowId: string): Promise<Map<string, string>> {
    await this.record(workflowId);
    return workflowHeads(this.options.repoDir, workflowId);
  }

  /** What an agent changed since the workflow's base commit: read from git, nothing written. */
  async changes(workflowId: string, agentId: string): Promise<AgentChanges> {
    const record = await this.record(workflowId);
    return agentChanges(this.options.repoDir, workflowId, agentId, record.baseCommit);
  }

  /**
   * Resolves a conflict over `path` by keeping `keep`'s version: a commit on `undo`'s branch puts
   * the file back as it was at their merge base (see git/takeSide.ts), then the conflicts are
   * predicted again, which announces the conflict resolved. Not while the workflow runs: its agent
   * may be editing that file in the same worktree.
   */
  async takeSide(workflowId: string, path: string, keep: string, undo: string): Promise<TakeSideResult> {
    const record = await this.stopped(workflowId, `${undo} may be changing ${path} right now`, 'take a side again');
    const result = await takeSide(this.workspaces, { workflowId, baseCommit: record.baseCommit, path, keep, undo });
    this.conflicts?.schedule(workflowId);
    return result;
  }

  /**
   * "Ask <agent> to resolve": a task outside the plan for `agent`, to merge `other`'s branch into
   * its own and resolve what conflicts (conflictRequests.ts). Not while the workflow runs; the next
   * run() takes it, putting off the approvals the workflow waits for (they are asked again after it).
   */
  async askToResolve(workflowId: string, req: ResolveRequest): Promise<ResolveTicket> {
    const record = await this.stopped(workflowId, `${req.agent} may be in the middle of a task`, 'ask again');
    const snapshot = await this.graph.getState(this.config(record));
    const earlier = this.asked.get(workflowId) ?? [];
    const { asked, ticket } = await planResolution({ workflowId, repoDir: this.options.repoDir, team: this.options.team, snapshot, pending: openApprovals(snapshot), asked: earlier }, req);
    this.asked.set(workflowId, [...earlier, asked]);
    this.bus.emit(workflowId, 'task.routed', { taskId: asked.task.id, agentId: req.agent, strategy: 'user', rationale: asked.assignment.rationale });
    return ticket;
  }

  /** The workflow, when no process (this one, the CLI, another window) is running it. */
  private async stopped(workflowId: string, risk: string, then: string): Promise<WorkflowRecord> {
    const record = await this.record(workflowId);
    const elsewhere = record.runnerPid !== undefined && record.runnerPid !== process.pid && processAlive(record.runnerPid);
    if (this.running.has(workflowId) || elsewhere) {
      throw new BatonError(`Workflow ${workflowId} is running: ${risk}.`, `Pause the workflow (Baton: Pause Workflow), or wait until it asks for an approval, then ${then}.`, 'usage');
    }
    return record;
  }

  /** Cancels a workflow that no process is running right now (e.g. one waiting for an approval). */
  async cancelIdle(workflowId: string, reason = 'cancelled by the user'): Promise<void> {
    const record = await this.record(workflowId);
    if (['completed', 'failed', 'cancelled'].includes(record.status)) throw new BatonError(`Workflow ${workflowId} already ended (${record.status}).`, undefined, 'usage');
    await this.options.records.update(workflowId, { status: 'cancelled', updatedAt: new Date().toISOString() });
    this.bus.emit(workflowId, 'workflow.cancelled', { reason, costUsd: record.costUsd });
    await this.cleanUp(workflowId);
  }

  async status(workflowId: string): Promise<WorkflowRecord> {
    return this.record(workflowId);
  }

  list(): Promise<WorkflowRecord[]> {
    return this.options.records.list();
  }

  private async record(workflowId: string): Promise<WorkflowRecord> {
    const r = await this.options.records.get(workflowId);
    if (!r) throw new BatonError(`There is no workflow "${workflowId}" in this repository.`, 'List them with: baton list', 'usage');
    if (this.gateway.spentUsd(workflowId) < r.costUsd) this.gateway.restoreSpend(workflowId, r.costUsd);
    return r;
  }

  private config(record: WorkflowRecord) {
    // A long workflow takes many supersteps (each wave is two): raise LangGraph's default of 25.
    return { configurable: { thread_id: record.id }, recursionLimit: 10_000, durability: 'sync' as const };
  }

  /**
   * The check and allowed commands of this run: the user's, and the repository's requests when the user trusts
   * them. Untrusted requests that would have taken effect are announced once per workflow and content.
   */
  private async granted(workflowId: string): Promise<Granted> {
    const o = this.options;
    const status = await o.repoTrust?.status();
    const granted = grantRequests(o.team, { checkCommand: o.checkCommand, allowCommands: o.allowCommands }, status?.state === 'trusted');
    if (status && hasRequests(granted.unused)) this.sayIgnored(workflowId, status, granted);
    return granted;
  }

  private sayIgnored(workflowId: string, status: RepoTrustStatus, granted: Granted): void {
    const key = `${workflowId}:${status.sha256}`;
    if (this.saidIgnored.has(key)) return;
    this.saidIgnored.add(key);
    this.bus.emit(workflowId, 'config.ignored', {
      file: status.file, sha256: status.sha256, reason: status.state === 'declined' ? 'declined' : 'untrusted',
      ...(granted.unused.check !== undefined ? { check: granted.unused.check } : {}), commands: [...granted.unused.commands],
      ...(granted.unused.network ? { network: [...granted.unused.network] } : {}),
    });
  }

  private context(record: WorkflowRecord, signal: AbortSignal, recollection: Recollection, granted: Granted): EngineContext {
    const o = this.options;
    const mode = o.approvals.mode;
    return {
      gateway: this.gateway,
      bus: o.bus,
      team: o.team,
      workspaces: this.workspaces,
      baseCommit: record.baseCommit,
      pool: (fn) => this.pool.execute(fn),
      approvals: { require: new Set(o.approvals.require), confidenceThreshold: o.approvals.confidenceThreshold, largeChangeFiles: o.team.approvals.largeChangeFiles, mode },
      allowCommands: granted.allowCommands,
      approveCommand: o.approveCommand,
      commands: { sandbox: o.sandbox, envNames: o.commandEnv ?? [], network: granted.network },
      decideByPolicy: policyDecider(o.bus, record.id, mode),
      lessons: recollection.lessons,
      trackRecords: recollection.trackRecords,
      check: granted.check,
      predicted: this.conflicts && { settled: (id) => this.conflicts!.settled(id), current: (id) => this.conflicts!.watcher.current(id) },
      merge: o.mergeOnApproval !== false,
      signal,
    };
  }

  /** What the integrate step found: which agents' branches merged, which conflict or break the check, and why. */
  async integration(workflowId: string): Promise<IntegrationResult | undefined> {
    const record = await this.record(workflowId);
    return ((await this.graph.getState(this.config(record))).values as Partial<WorkflowStateType>).integration;
  }

  /** Removes the worktrees and branches of a workflow that just ended, unless they are kept; never fails the workflow. */
  private async cleanUp(workflowId: string): Promise<void> {
    await this.conflictsSettled(workflowId);
    const record = await this.record(workflowId);
    const state = (await this.graph.getState(this.config(record))).values as Partial<WorkflowStateType>;
    await cleanUpWorkflow(this.workspaces, this.conflicts?.watcher, this.bus, workflowId, state, this.options.keepWorktrees === true).catch(() => undefined);
  }
}

/** The workflow's own budget stop (an epic's allowance is a share inside it, raised without a new budget). */
function isBudgetStop(p: PendingApproval): boolean {
  return p.trigger === 'budget' && !p.approvalId.startsWith('allowance-');
}
