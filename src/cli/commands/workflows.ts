import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openEngine } from '../../core/openEngine';
import type { OpenedEngine, SettingsAdjustment } from '../../core/openEngine';
import { describeEstimate } from '../../core/cost/estimate';
import { formatUsd } from '../../core/cost/money';
import type { CostRollUp } from '../../core/cost/ledger';
import { defaultBudgetUsd } from '../../core/engine';
import { canAsk, confirm } from '../prompt';
import type { RollbackTarget } from '../../core/rollbacks';
import type { WorkflowRecord } from '../../core/workflowRecords';
import { CliError, exitCodes } from '../exitCodes';
import type { CliIo } from '../program';
import { resumeSettings } from '../resumeSettings';
import { handOver } from '../secretVariables';
import type { ResumeSettings } from '../resumeSettings';
import { runFlags } from '../settings';
import type { Flags, RunFlags } from '../settings';
import { loadUserSettings } from '../userSettings';
import { drive, printEvents } from './run';
import { settleRepoTrust } from '../repoTrustPrompt';
import { halted, processAlive } from '../../core/liveness';

async function withEngine<T>(flags: Flags, io: CliIo, fn: (opened: OpenedEngine, f: RunFlags) => Promise<T>, adjust?: (f: RunFlags) => SettingsAdjustment): Promise<T> {
  const repo = resolve(io.cwd, typeof flags.repo === 'string' ? flags.repo : '.');
  const f = runFlags(flags, io.env, (await loadUserSettings(io.env)).settings);
  const opened = await openEngine(repo, f.settings, adjust?.(f));
  try {
    return await fn(opened, f);
  } finally {
    opened.close();
  }
}

const terminal = { input: process.stdin, output: process.stdout };

export function runCommand(task: string, flags: Flags, io: CliIo): Promise<number> {
  return withEngine(flags, io, async (opened, f) => {
    // What the repository's team file requests is settled first: it may change which check runs.
    if (!(await settleRepoTrust(opened.repoTrust, flags, io, terminal))) {
      io.stdout.write('Not started.\n');
      return exitCodes.completed;
    }
    // The estimate first, before any model call: above the budget it warns; in a terminal, ask whether to start (--yes skips it).
    const budget = f.budgetUsd ?? defaultBudgetUsd;
    const estimate = await opened.engine.estimate(task);
    const above = estimate.usd > budget;
    const warning = above ? `! The estimate is above the budget: the workflow will likely stop at ${formatUsd(budget)} and wait for you to raise it. Give a larger one with --budget USD.\n` : '';
    if (!flags.json) {
      io.stdout.write(`Cost: ${describeEstimate(estimate, budget)}\n${warning}`);
      if (!flags.yes && !flags.detach && canAsk(terminal) && !(await confirm(terminal, 'Start?'))) {
        io.stdout.write('Not started.\n');
        return exitCodes.completed;
      }
    } else if (above) io.stderr.write(warning);
    const printing = flags.detach ? undefined : printEvents(opened.engine, io, Boolean(flags.json));
    try {
      const id = await opened.engine.start(task, { mode: f.mode, budgetUsd: f.budgetUsd, budgetTokens: f.budgetTokens });
      if (flags.detach) return detach(opened, id, io, await trustedForThisProcess(opened));
      return await drive(opened, id, io, { json: Boolean(flags.json), approve: f.approve, terminal });
    } finally {
      printing?.dispose();
    }
  });
}

/**
 * `baton resume <id>`: goes on with the settings the workflow was run with (kept in its record), the flags
 * given here over them, each said; `--budget USD` is a person raising (or setting) the budget.
 */
export function resumeCommand(id: string, flags: Flags, io: CliIo): Promise<number> {
  let chosen: ResumeSettings | undefined;
  const adjust = (f: RunFlags): SettingsAdjustment => async (records) => {
    const record = await records.get(id);
    chosen = resumeSettings(f, record?.runSettings, flags);
    return chosen.settings;
  };
  return withEngine(flags, io, async (opened, f) => {
    const before = await opened.engine.status(id);
    if (!(await settleRepoTrust(opened.repoTrust, flags, io, terminal))) {
      io.stdout.write(`Not resumed. Go on later with: baton resume ${id}\n`);
      return exitCodes.completed;
    }
    for (const note of chosen?.notes ?? []) io.stderr.write(`baton: resuming ${id} with ${note}.\n`);
    if (f.budgetUsd !== undefined) {
      await opened.engine.setBudget(id, f.budgetUsd, `budget set to $${f.budgetUsd} with baton resume --budget`);
      io.stderr.write(`baton: the budget of ${id} is now ${formatUsd(f.budgetUsd)} (it was ${formatUsd(before.budgetUsd)}; ${formatUsd(before.costUsd)} spent).\n`);
    }
    const printing = printEvents(opened.engine, io, Boolean(flags.json));
    try {
      return await drive(opened, id, io, { json: Boolean(flags.json), approve: chosen?.approve ?? f.approve, terminal });
    } finally {
      printing.dispose();
    }
  }, adjust);
}

/** Trusted in this process only (no home folder to keep the answer in): the background resume is told again. */
async function trustedForThisProcess(opened: OpenedEngine): Promise<boolean> {
  const s = await opened.repoTrust.status();
  return s.state === 'trusted' && s.trustFile === undefined;
}

/** --detach: the workflow goes on in a background `baton resume` (with the settings it keeps), logging under .git/baton/logs. */
function detach(opened: OpenedEngine, id: string, io: CliIo, trustRepoConfig: boolean): number {
  const logs = join(opened.batonDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const log = join(logs, `${id}.log`);
  const out = openSync(log, 'a');
  const script = process.argv[1] ?? '';
  // The secrets go on its standard input, not in its environment, which /proc shows for as long as it runs.
  const given = handOver(io.env);
  const child = spawn(process.execPath, [script, 'resume', id, '--repo', opened.repoRoot], { detached: true, stdio: ['pipe', out, out], env: given.env });
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(given.stdin);
  child.unref();
  io.stdout.write(`${id}\nRunning in the background (log: ${log}). Follow it with: baton status ${id}\n`);
  return exitCodes.completed;
}

/** Spend per agent, task and sub-workflow, biggest first, as `baton status` prints it. */
function describeCosts(c: CostRollUp): string {
  if (!c.total.calls) return '';
  const money = formatUsd;
  const lines = (title: string, table: Record<string, CostRollUp['total']>) => {
    const rows = Object.entries(table).sort((a, b) => b[1].usd - a[1].usd);
    return rows.length ? `  ${title}: ${rows.map(([k, v]) => `${k} ${money(v.usd)} (${v.calls} call${v.calls === 1 ? '' : 's'})`).join(', ')}\n` : '';
  };
  const estimated = c.total.estimatedUsd > 0 ? `, of which ${money(c.total.estimatedUsd)} counted locally (no usage from the API)` : '';
  return `  spent ${money(c.total.usd)} in ${c.total.calls} model calls (${c.total.promptTokens + c.total.completionTokens} tokens)${estimated}\n` +
    lines('by agent', c.byAgent) + lines('by task', c.byTask) + lines('by sub-workflow', c.bySubWorkflow);
}

/** "3/6 tasks done, 1 failed, 2 not run": a failed or skipped task is never counted as done. */
function tasksLine(r: WorkflowRecord): string {
  const p = r.progress;
  return [`${p.done}/${p.total} tasks done`, ...(p.failed ? [`${p.failed} failed`] : []), ...(p.notRun ? [`${p.notRun} not run`] : [])].join(', ');
}

function describeRecord(r: WorkflowRecord): string {
  const halt = halted(r);
  return [
    `${r.id}  ${halt ?? r.status}  ${tasksLine(r)}  ${formatUsd(r.costUsd)} of ${formatUsd(r.budgetUsd)}${r.budgetTokens ? ` (or ${r.budgetTokens.toLocaleString('en-US')} tokens)` : ''}`,
    `  task: ${r.task}`,
    `  mode: ${r.mode}, started ${r.createdAt}, updated ${r.updatedAt}`,
    ...(r.currentStep && !halt ? [`  now: ${r.currentStep}`] : []),
    ...(halt === 'interrupted' ? [`  no process runs it any more (a crash or a kill); go on from its last checkpoint with: baton resume ${r.id}`] : []),
    ...(halt === 'not started' ? [`  it never got to its first step; start it with: baton resume ${r.id}`] : []),
    ...(r.error ? [`  error: ${r.error}`] : []),
  ].join('\n');
}

export function statusCommand(id: string, flags: Flags, io: CliIo): Promise<number> {
  return withEngine(flags, io, async ({ engine }) => {
    const record = await engine.status(id);
    const approvals = await engine.pendingApprovals(id);
    const costs = await engine.costs(id);
    if (flags.json) io.stdout.write(`${JSON.stringify({ ...record, resumable: halted(record) !== undefined, pendingApprovals: approvals, costs })}\n`);
    else io.stdout.write(`${describeRecord(record)}\n${approvals.map((p) => `  pending approval ${p.approvalId} (${p.trigger}): ${p.reason}`).join('\n')}${approvals.length ? '\n' : ''}${describeCosts(costs)}`);
    return exitCodes.completed;
  });
}

export function listCommand(flags: Flags, io: CliIo): Promise<number> {
  return withEngine(flags, io, async ({ engine }) => {
    const all = await engine.list();
    if (flags.json) for (const r of all) io.stdout.write(`${JSON.stringify({ ...r, resumable: halted(r) !== undefined })}\n`);
    else if (!all.length) io.stdout.write('No workflows yet. Start one with: baton run "<task>"\n');
    else {
      for (const r of all) io.stdout.write(`${r.id}  ${(halted(r) ?? r.status).padEnd(11)}  ${`${r.progress.done}/${r.progress.total}`.padStart(5)}  ${formatUsd(r.costUsd).padStart(9)}  ${r.task.slice(0, 70)}\n`);
      if (all.some((r) => halted(r))) io.stdout.write('Go on with an interrupted or not started workflow with: baton resume <id>\n');
    }
    return exitCodes.completed;
  });
}

export function decideCommand(decision: 'approve' | 'reject', id: string, approvalId: string | undefined, flags: Flags, io: CliIo): Promise<number> {
  return withEngine(flags, io, async ({ engine }, f) => {
    const reason = typeof flags.reason === 'string' ? flags.reason : undefined;
    const decided = await engine.decide(id, approvalId, decision, reason, { budgetUsd: f.budgetUsd });
    io.stdout.write(`${decision === 'approve' ? 'Approved' : 'Rejected'}: ${decided.map((p) => p.approvalId).join(', ')}. Go on with: baton resume ${id}\n`);
    return exitCodes.completed;
  });
}

/**
 * `baton rollback <id>`: graph state and agent branches back together, at one of four levels:
 * `--to N` (a snapshot, the latest by default), `--checkpoint ID`, `--task ID` (retry one step) or
 * `--restart`; `--list` shows the snapshots and checkpoints to choose from.
 */
export function rollbackCommand(id: string, flags: Flags, io: CliIo): Promise<number> {
  return withEngine(flags, io, async ({ engine }) => {
    const record = await engine.status(id);
    if (flags.list === true) {
      for (const s of await engine.snapshots(id)) io.stdout.write(`snapshot ${s.snapshot}  ${s.reason}\n`);
      for (const c of await engine.checkpoints(id)) {
        io.stdout.write(`checkpoint ${c.checkpointId}  step ${c.step}, next: ${c.next.join(', ') || 'nothing (ended)'}; finished: ${c.finished.join(', ') || 'none'}\n`);
      }
      return exitCodes.completed;
    }
    if (record.runnerPid && record.runnerPid !== process.pid && processAlive(record.runnerPid)) {
      throw new CliError(`Workflow ${id} is running in process ${record.runnerPid}. Stop it first with: baton cancel ${id}`, exitCodes.usage);
    }
    const done = await engine.rollback(id, rollbackTarget(flags));
    const where = done.level === 'snapshot' ? `to snapshot ${done.snapshot}` : done.level === 'checkpoint' ? `to checkpoint ${done.checkpointId}`
      : done.level === 'restart' ? 'to the start' : `before ${done.tasks[0]}, which will run again${done.tasks.length > 1 ? ` (with ${done.tasks.slice(1).join(', ')})` : ''}`;
    io.stdout.write(`Rolled ${id} back ${where}: ${done.branches.length ? done.branches.join(', ') : 'no agent branch moved'}. ` +
      `Abandoned heads are kept under refs/baton/trash/${id}/. Go on with: baton resume ${id}\n`);
    return exitCodes.completed;
  });
}

function rollbackTarget(flags: Flags): RollbackTarget {
  const given = (['to', 'checkpoint', 'task', 'restart'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) throw new CliError(`Choose one of --to, --checkpoint, --task and --restart, not ${given.map((k) => `--${k}`).join(' and ')}.`, exitCodes.usage);
  if (typeof flags.checkpoint === 'string') return { level: 'checkpoint', checkpointId: flags.checkpoint };
  if (typeof flags.task === 'string') return { level: 'step', taskId: flags.task };
  if (flags.restart === true) return { level: 'restart' };
  const to = typeof flags.to === 'string' ? Number(flags.to) : undefined;
  if (to !== undefined && !(Number.isInteger(to) && to > 0)) throw new CliError(`--to takes a snapshot number (1, 2, ...), got "${String(flags.to)}"`, exitCodes.usage);
  return { level: 'snapshot', snapshot: to };
}

/** The kill switch from another terminal: signals the process running the workflow, or marks an idle one cancelled. */
export function cancelCommand(id: string, flags: Flags, io: CliIo): Promise<number> {
  return withEngine(flags, io, async ({ engine }) => {
    const record = await engine.status(id);
    if (record.runnerPid && processAlive(record.runnerPid)) {
      process.kill(record.runnerPid, 'SIGTERM');
      io.stdout.write(`Stopping workflow ${id} (process ${record.runnerPid}); resume it later with: baton resume ${id}\n`);
      return exitCodes.completed;
    }
    await engine.cancelIdle(id);
    io.stdout.write(`Cancelled workflow ${id}.\n`);
    return exitCodes.completed;
  });
}

