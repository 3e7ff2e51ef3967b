import { join } from 'node:path';
import * as vscode from 'vscode';
import { formatUsd } from '../core/cost/money';
import type { OpenedEngine } from '../core/openEngine';
import type { RunOutcome } from '../core/engine';
import type { BatonEvent } from '../core/events/events';
import type { AgentChanges } from '../core/git/refFiles';
import type { ResolveRequest, ResolveTicket } from '../core/conflictRequests';
import type { TakeSideResult } from '../core/git/takeSide';
import { halted } from '../core/liveness';
import { WebhookNotifier } from '../core/notify/webhookNotifier';
import type { RollbackTarget } from '../core/rollbacks';
import type { ApiKeyStore } from './secrets';
import { loadEngineModule } from './engine/engineLoader';
import { budgetTokens, budgetUsd, engineSettings, leftOutWorkspaceSettings, webhookUrl, workflowMode } from './settings';
import { settleRepoTrust } from './repoTrustQuestion';
import { ViewActivity } from './viewActivity';
import type { WorkflowModel } from './workflowModel';

/**
 * The extension's side of the engine: opens it on first use (never at activation), runs workflows
 * in the background with a progress notification, asks for approvals in notifications, and keeps
 * the WorkflowModel (tree, status bar, panel) in step with the engine's events and records.
 */
export class WorkflowService implements vscode.Disposable {
  private opened: Promise<OpenedEngine> | undefined;
  private demo: Promise<OpenedEngine> | undefined;
  private readonly tracker: ViewActivity;
  private readonly running = new Map<string, OpenedEngine>();
  /** The background run of each workflow running here, settled once its outcome is announced. */
  private readonly runs = new Map<string, Promise<void>>();
  private readonly paused = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly cleanups = new Map<OpenedEngine, vscode.Disposable[]>();
  private stale = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly emitted = new vscode.EventEmitter<BatonEvent>();
  /** Every event of every engine opened here, as it happens (the panel's live threads). */
  readonly onDidEmit = this.emitted.event;

  constructor(
    private readonly extensionPath: string,
    private readonly keys: ApiKeyStore,
    private readonly model: WorkflowModel,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.tracker = new ViewActivity();
    this.disposables.push(this.emitted);
    // Settings and the API key are read when the engine opens: after a change, the next use opens
    // it again (once nothing runs on the old one).
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('baton')) this.stale = true; }),
      keys.onDidChange(() => { this.stale = true; }),
    );
    // The team file is read when the engine opens: an edit (or a merge that changed it) counts from the next use.
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      const teamFile = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.baton/agents.yaml'));
      const changed = () => { this.stale = true; };
      this.disposables.push(teamFile, teamFile.onDidChange(changed), teamFile.onDidCreate(changed), teamFile.onDidDelete(changed));
    }
  }

  /** The engine for the open folder's repository. */
  engine(): Promise<OpenedEngine> {
    if (this.stale && this.running.size === 0 && this.opened) {
      const old = this.opened;
      this.opened = undefined;
      void old.then((o) => this.retire(o), () => undefined);
    }
    this.stale = false;
    this.opened ??= this.open(async () => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!folder) throw new Error('Open the folder of a git repository first: agents work on branches of it.');
      const m = loadEngineModule(this.extensionPath);
      const opened = await m.openEngine(folder, { ...engineSettings(await this.keys.get()), approveCommand: askToRunCommand });
      // Conflicts between the agents' branches become diagnostics on the user's files.
      const conflicts = new m.ConflictClient(join(this.extensionPath, 'dist', 'server.js'), vscode.Uri.file(opened.repoRoot).toString());
      const sub = opened.engine.bus.on('*', (e) => void conflicts.observe(e).catch((err: unknown) => this.output.warn(`conflict diagnostics: ${String(err)}`)));
      this.cleanupOf(opened).push({ dispose: () => { sub.dispose(); conflicts.dispose(); } });
      void this.resumeHalted(opened);
      return opened;
    }).catch((e: unknown) => {
      this.opened = undefined;
      throw e;
    });
    return this.opened;
  }

  /** Starts a workflow; undefined when the user cancelled at the question about the repository's requests. */
  async start(task: string, options: { mode?: string; budgetUsd?: number } = {}): Promise<string | undefined> {
    const opened = await this.engine();
    if (!(await settleRepoTrust(opened))) return undefined;
    const budget = options.budgetUsd ?? budgetUsd();
    const estimate = await opened.engine.estimate(task);
    const id = await opened.engine.start(task, { mode: (options.mode as never) ?? workflowMode(), budgetUsd: budget, budgetTokens: budgetTokens() });
    // Said once, before any model call: a likely cost above the budget, and models whose calls count as $0.
    if (estimate.usd > budget) {
      void vscode.window.showWarningMessage(`Baton: the estimate (${formatUsd(estimate.usd)}) is above the budget (${formatUsd(budget)}): the workflow will likely stop at its budget and ask you to raise it.`);
    }
    const leftOut = leftOutWorkspaceSettings();
    if (leftOut.length) {
      void vscode.window.showWarningMessage(`Baton: this workspace's settings set ${leftOut.join(', ')}. A repository may ask but never grant: Baton takes these from your user settings only. Set them there to use them.`);
    }
    const unpriced = opened.engine.unpricedModels();
    if (unpriced.length) {
      const tokens = (await opened.engine.status(id)).budgetTokens;
      void vscode.window.showWarningMessage(`Baton: no price is known for ${unpriced.join(', ')}: its calls count as $0, so the budget also holds as ${tokens.toLocaleString('en-US')} tokens. Set prices in baton.model.pricing.`);
    }
    // Shown in the progress notification until the first agent starts.
    void this.runInBackground(opened, id, task, `Cost: ${loadEngineModule(this.extensionPath).describeEstimate(estimate, budget)}`);
    await this.refresh();
    return id;
  }

  /** The demo: a scratch sample repository and the scripted model, shown in the same views. */
  async startDemo(): Promise<string> {
    const m = loadEngineModule(this.extensionPath);
    this.demo ??= this.open(async () => m.openEngine(m.createSampleRepository(), m.demoEngineSettings('ask')));
    const opened = await this.demo;
    const id = await opened.engine.start(m.demoTask, { budgetUsd: 1 });
    void this.runInBackground(opened, id, `Demo (scripted model): ${m.demoTask}`);
    await this.refresh();
    return id;
  }

  async decide(workflowId: string, approvalId: string | undefined, decision: 'approve' | 'reject', reason?: string, budgetUsd?: number): Promise<void> {
    const opened = await this.owner(workflowId);
    await opened.engine.decide(workflowId, approvalId, decision, reason, { budgetUsd });
    await this.settledRun(opened, workflowId);
    if (!this.running.has(workflowId)) void this.runInBackground(opened, workflowId, (await opened.engine.status(workflowId)).task);
  }

  /** The kill switch: the workflow's agents stop now, and it ends as cancelled. */
  async cancel(workflowId: string): Promise<void> {
    const opened = await this.owner(workflowId);
    this.paused.delete(workflowId);
    if (!opened.engine.cancel(workflowId)) await opened.engine.cancelIdle(workflowId);
    await this.refresh();
  }

  /** Stops the agents now but keeps the workflow resumable from its last checkpoint. */
  async pause(workflowId: string): Promise<void> {
    const opened = await this.owner(workflowId);
    this.paused.add(workflowId);
    opened.engine.pause(workflowId);
    await this.refresh();
  }

  /**
   * Asks how far back to go (a snapshot, one task to run again, or the start), then rolls the
   * workflow back there: branches and graph together.
   */
  async rollback(workflowId: string, snapshot?: number): Promise<void> {
    const opened = await this.owner(workflowId);
    await this.settledRun(opened, workflowId);
    if (this.running.has(workflowId)) throw new Error(`Workflow ${workflowId} is running: pause or cancel it first, then roll back.`);
    const snapshots = await opened.engine.snapshots(workflowId);
    const finished = (await opened.engine.checkpoints(workflowId)).at(-1)?.finished ?? [];
    type Pick = vscode.QuickPickItem & { target: RollbackTarget };
    const items: Pick[] = [
      ...[...snapshots].reverse().map((s) => ({ label: `$(history) Snapshot ${s.snapshot}`, description: s.reason, detail: Object.entries(s.heads).map(([b, sha]) => `${b.split('/').pop()} ${sha.slice(0, 7)}`).join(' · ') || 'no agent branch yet', target: { level: 'snapshot', snapshot: s.snapshot } as RollbackTarget })),
      ...finished.map((taskId) => ({ label: `$(debug-restart) Retry ${taskId}`, description: 'take back this task\'s result and commit, and run it again', target: { level: 'step', taskId } as RollbackTarget })),
      { label: '$(debug-rerun) Restart from the beginning', description: 'every agent branch back to the base; plan again', target: { level: 'restart' } },
    ];
    const picked = snapshot !== undefined ? { target: { level: 'snapshot', snapshot } as RollbackTarget } : await vscode.window.showQuickPick(items, {
      title: `Baton: roll ${workflowId} back`, placeHolder: 'Agent branches and the workflow\'s state go back together; abandoned work stays under refs/baton/trash/',
    });
    if (!picked) return;
    const done = await opened.engine.rollback(workflowId, picked.target);
    this.paused.add(workflowId);
    await this.refresh();
    const where = done.level === 'snapshot' ? `back at snapshot ${done.snapshot}` : done.level === 'step' ? `ready to run ${done.tasks.join(', ')} again` : 'back at the start';
    void vscode.window.showInformationMessage(`Baton: ${workflowId} is ${where}. Resume it when you are ready.`, 'Resume').then((a) => a && this.resume(workflowId));
  }

  async resume(workflowId: string): Promise<void> {
    const opened = await this.owner(workflowId);
    this.paused.delete(workflowId);
    await this.settledRun(opened, workflowId);
    if (!this.running.has(workflowId)) void this.runInBackground(opened, workflowId, (await opened.engine.status(workflowId)).task);
  }

  /** Every event the workflow has had so far, from its audit log. */
  async history(workflowId: string): Promise<BatonEvent[]> {
    // Read with the engine bundle: the audit log's event schemas (zod) stay out of the extension's.
    return loadEngineModule(this.extensionPath).readWorkflowHistory((await this.owner(workflowId)).batonDir, workflowId);
  }

  /** The agents of a workflow with work on a branch, and their heads, in the repository at `root`. */
  async agentHeads(workflowId: string): Promise<{ root: string; heads: Map<string, string> }> {
    const opened = await this.owner(workflowId);
    return { root: opened.repoRoot, heads: await opened.engine.agentHeads(workflowId) };
  }

  /** What an agent changed since the workflow's base commit, in the repository at `root`. */
  async changes(workflowId: string, agentId: string): Promise<AgentChanges & { root: string }> {
    const opened = await this.owner(workflowId);
    return { root: opened.repoRoot, ...(await opened.engine.changes(workflowId, agentId)) };
  }

  /** Keeps `keep`'s version of `path`; see Engine.takeSide. */
  async takeSide(workflowId: string, path: string, keep: string, undo: string): Promise<TakeSideResult> {
    return (await this.owner(workflowId)).engine.takeSide(workflowId, path, keep, undo);
  }

  /**
   * Asks an agent to resolve a conflict (Engine.askToResolve), then runs the workflow so it does.
   * While it runs here, the user may pause it first: the tasks in progress are stopped and run
   * again after, so this is asked, not assumed. Undefined: the user chose not to pause.
   */
  async askToResolve(workflowId: string, request: ResolveRequest): Promise<ResolveTicket | undefined> {
    const opened = await this.owner(workflowId);
    const run = this.runs.get(workflowId);
    if (run) {
      const choice = await vscode.window.showWarningMessage(
        `Baton: workflow ${workflowId} is running. Pause it so that ${request.agent} resolves the conflict over ${request.path} first? The tasks in progress stop now and start again after.`,
        'Pause and Ask');
      if (choice !== 'Pause and Ask') return undefined;
      await this.pause(workflowId);
      await run;
    }
    const ticket = await opened.engine.askToResolve(workflowId, request);
    await this.resume(workflowId);
    return ticket;
  }

  /** A file at a commit, for the baton-ref: documents; loads the engine bundle (git helpers) on first use. */
  readAtRef(root: string, ref: string, path: string): Promise<string | undefined> {
    return loadEngineModule(this.extensionPath).readFileAtRef(root, ref, path);
  }

  /** Reads every known workflow from the engines opened so far and republishes the model. */
  async refresh(): Promise<void> {
    const engines = await Promise.all([this.opened, this.demo].filter((p): p is Promise<OpenedEngine> => p !== undefined).map((p) => p.catch(() => undefined)));
    const open = engines.filter((e): e is OpenedEngine => e !== undefined);
    const listed = (await Promise.all(open.map(async (e) => (await e.engine.list()).map((record) => ({ record, engine: e.engine }))))).flat();
    const summaries = await Promise.all(listed.sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt)).map(async ({ record, engine }) => {
      const summary = this.tracker.summarize(record);
      if (this.paused.has(record.id) && !this.running.has(record.id)) return { ...summary, status: 'paused' as const };
      if (summary.status !== 'waiting' && summary.status !== 'paused') return summary;
      const pending = await engine.pendingApprovals(record.id).catch(() => []);
      return { ...summary, approvals: pending.map((p) => ({ approvalId: p.approvalId, trigger: p.trigger, reason: p.reason, files: p.files, taskId: p.taskId })) };
    }));
    this.model.replaceAll(summaries);
  }

  /** Events come in bursts (every tool call is one): the views are refreshed at most every 100 ms. */
  private scheduleRefresh(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, 100);
  }

  /**
   * After a window reload (or a crash of the extension host or a CLI run), the workflows no process
   * runs any more go on from their last checkpoint, in the background as usual.
   */
  private async resumeHalted(opened: OpenedEngine): Promise<void> {
    for (const r of await opened.engine.list().catch(() => [])) {
      const state = halted(r);
      if (!state || this.running.has(r.id)) continue;
      this.output.info(`${r.id} was ${state} (no process runs it): resuming it from its last checkpoint`);
      void vscode.window.showInformationMessage(`Baton: "${r.task.slice(0, 60)}" was interrupted; it goes on from its last checkpoint.`);
      void this.runInBackground(opened, r.id, r.task);
    }
  }

  private async open(factory: () => Promise<OpenedEngine>): Promise<OpenedEngine> {
    const opened = await factory();
    const sub = opened.engine.bus.on('*', (e) => {
      this.tracker.observe(e);
      if (e.type === 'agent.failed' || e.type === 'workflow.failed' || e.type === 'model.fallback' || (e.type === 'circuit.state' && e.data.state === 'open')) {
        this.output.warn(`${e.workflowId} ${e.type}: ${JSON.stringify(e.data)}`);
      }
      this.scheduleRefresh();
      this.emitted.fire(e);
    });
    // The URL is read at each event, so changing the setting needs no restart.
    const webhook = new WebhookNotifier(opened.engine.bus, webhookUrl, (message) => this.output.warn(message));
    this.cleanupOf(opened).push({ dispose: () => { webhook.dispose(); sub.dispose(); opened.close(); } });
    return opened;
  }

  private cleanupOf(opened: OpenedEngine): vscode.Disposable[] {
    let list = this.cleanups.get(opened);
    if (!list) this.cleanups.set(opened, (list = []));
    return list;
  }

  private retire(opened: OpenedEngine): void {
    // Listeners first, the database last.
    for (const d of [...(this.cleanups.get(opened) ?? [])].reverse()) d.dispose();
    this.cleanups.delete(opened);
  }

  private async owner(workflowId: string): Promise<OpenedEngine> {
    for (const p of [this.opened, this.demo]) {
      const opened = await p?.catch(() => undefined);
      if (opened && (await opened.engine.list()).some((r) => r.id === workflowId)) return opened;
    }
    throw new Error(`There is no workflow ${workflowId} here.`);
  }

  /**
   * A run whose workflow already stopped (waiting, paused) is only announcing it: the views show the stop
   * as soon as its events arrive, so a person may answer before the run has ended. Its end is awaited, so
   * that the answer starts the next run (or the rollback goes ahead) instead of being taken for a running one.
   */
  private async settledRun(opened: OpenedEngine, workflowId: string): Promise<void> {
    const run = this.runs.get(workflowId);
    if (!run) return;
    const { status } = await opened.engine.status(workflowId);
    if (status === 'waiting' || status === 'paused') await run;
  }

  private runInBackground(opened: OpenedEngine, id: string, title: string, firstMessage?: string): Promise<void> {
    const run = this.runToEnd(opened, id, title, firstMessage);
    this.runs.set(id, run);
    void run.finally(() => this.runs.get(id) === run && this.runs.delete(id));
    return run;
  }

  private async runToEnd(opened: OpenedEngine, id: string, title: string, firstMessage?: string): Promise<void> {
    this.running.set(id, opened);
    try {
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Baton: ${title.slice(0, 80)}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => opened.engine.cancel(id));
          if (firstMessage) progress.report({ message: firstMessage });
          const sub = opened.engine.bus.on('*', (e) => {
            if (e.workflowId !== id) return;
            const step = e.type === 'agent.started' ? `${e.agent} works on ${e.data.taskId}` : e.type === 'agent.committed' ? `${e.agent} committed` : e.type === 'review.verdict' ? `${e.data.reviewer}: ${e.data.verdict}` : undefined;
            if (step) progress.report({ message: step });
          });
          try {
            return await opened.engine.run(id);
          } finally {
            sub.dispose();
          }
        });
      await this.announce(id, outcome);
    } catch (e) {
      void vscode.window.showErrorMessage(`Baton: ${loadEngineModule(this.extensionPath).errorMessage(e)}`);
    } finally {
      this.running.delete(id);
      await this.refresh();
    }
  }

  private async announce(id: string, outcome: RunOutcome): Promise<void> {
    if (outcome.status === 'completed') {
      const lines = outcome.summary.split('\n');
      void vscode.window.showInformationMessage(`Baton: workflow ${id} completed (${formatUsd(outcome.costUsd)}): ${[lines[0], ...lines.filter((l) => /^(Merged into|Not merged|The check failed)/.test(l))].join(' ')}`.trim(), 'Open Panel')
        .then((a) => a && vscode.commands.executeCommand('baton.openPanel'));
    } else if (outcome.status === 'cancelled') {
      if (!this.paused.has(id)) void vscode.window.showInformationMessage(`Baton: workflow ${id} was cancelled; its agents stopped.`);
    } else if (outcome.status === 'failed') {
      void vscode.window.showErrorMessage(`Baton: workflow ${id} failed: ${outcome.error}`, 'Show Log').then((a) => a && this.output.show());
    } else if (outcome.status === 'paused' && outcome.reason === 'user') {
      // The user paused it here: nothing to tell them.
    } else if (outcome.status === 'paused' && outcome.reason === 'merge') {
      void vscode.window.showWarningMessage(`Baton: the result of ${id} was not merged: ${outcome.detail}`, 'Resume').then((a) => a && this.resume(id));
    } else if (outcome.status === 'waiting' || outcome.status === 'paused') {
      for (const p of outcome.approvals) {
        // A budget stop is answered with a new budget (baton.approve asks for it) or by stopping here.
        const budget = p.trigger === 'budget' && !p.approvalId.startsWith('allowance-');
        const [yes, no] = budget ? ['Raise Budget…', 'Stop Here'] : ['Approve', 'Reject'];
        void vscode.window.showWarningMessage(`Baton needs your ${budget ? 'decision' : 'approval'} (${p.trigger}): ${p.reason}`, yes, no, 'Open Panel').then(async (answer) => {
          if (budget && (answer === yes || answer === no)) await vscode.commands.executeCommand(answer === yes ? 'baton.approve' : 'baton.reject', { workflowId: id, approvalId: p.approvalId, reason: answer === no ? 'stopped at the budget' : undefined });
          else if (answer === yes || answer === no) await this.decide(id, p.approvalId, answer === yes ? 'approve' : 'reject');
          else if (answer === 'Open Panel') await vscode.commands.executeCommand('baton.openPanel');
        });
      }
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    // The kill switch for whatever still runs, then every engine closed.
    for (const [id, opened] of this.running) opened.engine.cancel(id);
    for (const opened of [...this.cleanups.keys()]) this.retire(opened);
    this.disposables.forEach((d) => d.dispose());
  }
}

/** A command an agent wants to run that baton.commands.allow does not list: the user decides. */
async function askToRunCommand(command: string, agentId: string, taskId: string, why?: string): Promise<boolean> {
  const who = taskId === 'check' && agentId === 'integration' ? 'The project\'s check' : `${agentId} (task ${taskId})`;
  const detail = why ?? 'Add it to baton.commands.allow to allow it without asking.';
  const answer = await vscode.window.showWarningMessage(`Baton: ${who} wants to run \`${command}\` in its worktree.`, { modal: true, detail }, 'Run It');
  return answer === 'Run It';
}
