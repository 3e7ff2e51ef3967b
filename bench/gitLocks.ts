// Eight agents committing at once on their own branches of one repository (issue 4's target: no lock
// errors with 8 agents committing concurrently, 100 commits each). Everything goes through Baton's
// own git layer as the engine uses it: AgentWorkspaces for worktrees and commits (one worktree per
// agent, repository-wide ref updates serialized), snapshots of every branch head between batches, and
// ConflictWatcher dry-run merges after commits, all at the same time. Baseline, in the same run: the
// same commits made one after another, so the report says what running agents side by side buys.
//
//   node --import tsx bench/gitLocks.ts [--write] [--commits 100]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { errorMessage } from '../src/core/errors';
import { EventBus } from '../src/core/events/eventBus';
import { ConflictWatcher } from '../src/core/git/conflictScan';
import { AgentWorkspaces } from '../src/core/git/workspaces';
import type { Workspace } from '../src/core/git/workspaces';
import { git, makeBigRepo } from './support/bigRepo';
import { benchArgs, load, machine, report, runBench, table } from './support/report';

const commits = Number(benchArgs.option('--commits', '100'));
const agents = 8;

interface Round {
  wallMs: number;
  commits: number;
  errors: string[];
  lockErrors: number;
  snapshots: number;
  scans: number;
}

async function round(parallel: boolean, tmp: string): Promise<Round> {
  const repo = makeBigRepo(tmp, 200, 20);
  const base = git(repo, 'rev-parse', 'HEAD');
  const workflowId = parallel ? 'wf-parallel' : 'wf-sequential';
  const workspaces = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
  const watcher = new ConflictWatcher(repo, new EventBus());
  const errors: string[] = [];
  let snapshots = 0;
  let scans = 0;
  const wss: Workspace[] = [];
  const t0 = performance.now();
  // Every worktree first, so both runs scan the same 8 branches.
  const ensure = (a: number) => workspaces.ensure(workflowId, `agent-${a + 1}`, base).then((ws) => (wss[a] = ws));
  if (parallel) await Promise.all(Array.from({ length: agents }, (_, a) => ensure(a)));
  else for (let a = 0; a < agents; a++) await ensure(a);
  const agent = async (a: number) => {
    try {
      const ws = wss[a]!;
      for (let c = 0; c < commits; c++) {
        const path = join(ws.path, `src/agent${a}/step${c % 10}.ts`);
        await mkdir(dirname(path), { recursive: true });
        writeFileSync(path, `export const step = ${c};\n`);
        writeFileSync(join(ws.path, 'src/shared.ts'), `export const last = 'agent ${a}, step ${c}';\n`);
        await workspaces.commit(ws, `${workflowId}-${a}-${c}`, `agent ${a + 1}, step ${c + 1}`, { Workflow: workflowId, Agent: `agent-${a + 1}` });
        // What the engine does after a commit, and between waves: dry-run merges and snapshots.
        if (c % 5 === 4) {
          scans++;
          const report = await watcher.scan(workflowId, (await workspaces.branchesOf(workflowId)));
          for (const f of report.failed) errors.push(f.error);
        }
        if (a === 0 && c % 10 === 9) await workspaces.snapshot(workflowId, ++snapshots, `after step ${c + 1}`, undefined, base);
      }
    } catch (error) {
      errors.push(errorMessage(error));
    }
  };
  if (parallel) await Promise.all(Array.from({ length: agents }, (_, a) => agent(a)));
  else for (let a = 0; a < agents; a++) await agent(a);
  const wallMs = performance.now() - t0;
  let made = 0;
  for (let a = 0; a < agents; a++) made += Number(git(repo, 'rev-list', '--count', `${base}..baton/${workflowId}/agent-${a + 1}`));
  const lockErrors = errors.filter((e) => /\.lock|lock file|unable to lock|cannot lock/i.test(e)).length;
  return { wallMs, commits: made, errors, lockErrors, snapshots, scans };
}

async function main(): Promise<number> {
  const tmp = mkdtempSync(join(tmpdir(), 'baton-bench-locks-'));
  try {
    const before = load();
    const par = await round(true, tmp);
    console.error(`[bench] 8 agents at once: ${par.commits} commits in ${(par.wallMs / 1000).toFixed(1)} s, ${par.errors.length} errors (${par.lockErrors} lock errors)`);
    const seq = await round(false, tmp);
    console.error(`[bench] one after another: ${seq.commits} commits in ${(seq.wallMs / 1000).toFixed(1)} s, ${seq.errors.length} errors`);
    const expected = agents * commits;
    const ok = par.lockErrors === 0 && par.errors.length === 0 && par.commits === expected && seq.commits === expected;
    const section = `## Git: 8 agents committing at once

Run on ${new Date().toISOString().slice(0, 10)}: ${machine()}; 1-minute load average ${before} before, ${load()} after. Source: \`bench/gitLocks.ts\`.

**The workload.** One real repository; 8 agents, each in its own worktree on its own branch (\`AgentWorkspaces\`), each making
${commits} commits through \`AgentWorkspaces.commit\` (2 files changed a commit, one of them changed by every agent). At the same time, as in
a workflow: every 5 commits an agent asks \`ConflictWatcher\` to dry-run merge every pair of branches (\`git merge-tree\`, which writes
objects into the shared object store), and every 10 commits the first agent records a snapshot of every branch head (a ref update,
serialized with worktree creation on the repository lock). Baseline, in the same run: the same work, agents one after another.

${table(['run', 'commits made', 'errors', 'lock errors', 'snapshots', 'conflict scans', 'wall s', 'commits / s'], [
  ['8 agents at once', `${par.commits} / ${expected}`, par.errors.length, par.lockErrors, par.snapshots, par.scans, (par.wallMs / 1000).toFixed(1), (par.commits / par.wallMs * 1000).toFixed(0)],
  ['one after another (baseline)', `${seq.commits} / ${expected}`, seq.errors.length, seq.lockErrors, seq.snapshots, seq.scans, (seq.wallMs / 1000).toFixed(1), (seq.commits / seq.wallMs * 1000).toFixed(0)],
])}

Target: 0 lock errors and every commit made: **${ok ? 'PASS' : 'FAIL'}**. Side by side, the agents' git work went ${(seq.wallMs / par.wallMs).toFixed(2)}× as fast as one after another (2 cores).
${par.errors.length ? `\nErrors: ${[...new Set(par.errors)].slice(0, 5).map((e) => `\`${e.slice(0, 200)}\``).join('; ')}\n` : ''}`;
    return report('gitLocks', section, `${par.lockErrors} lock errors, ${par.commits}/${expected} commits`, ok);
  } finally {
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

runBench(main);
