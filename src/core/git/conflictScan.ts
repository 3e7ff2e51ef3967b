import { createHash } from 'node:crypto';
import { errorMessage } from '../errors';
import type { EventBus } from '../events/eventBus';
import { predictConflicts } from './conflicts';
import type { FileConflict, PairPrediction } from './conflicts';
import { gitOut, runGit } from './gitRunner';

/** One predicted conflict as announced in `conflict.detected`: one kind, one pair of branches, one file. */
export interface PredictedConflict {
  id: string;
  kind: 'textual' | 'overlap';
  branches: [string, string];
  file: FileConflict;
  description: string;
}

export interface ScanReport {
  /** Ids announced by this scan (new, or whose ranges changed). */
  detected: string[];
  /** Ids that disappeared and were announced resolved. */
  resolved: string[];
  /** Pairs git could not compare this time; their earlier conflicts are kept as they were. */
  failed: { branches: [string, string]; error: string }[];
  /** Pairs actually merged as a dry run; the others kept their prediction (neither head moved). */
  dryRuns: number;
}

export interface BaseBranch {
  /** The base branch (e.g. `main`); its new commits are compared with every agent branch. */
  ref: string;
  /** The commit the workflow's branches started from. Nothing is compared while the base branch is still there. */
  since: string;
}

export interface ConflictWatcherOptions {
  /** How many pairs are dry-run at once: each is a few short git processes. */
  concurrency?: number;
  timeoutMs?: number;
}

interface Known {
  conflict: PredictedConflict;
  fingerprint: string;
  pairKey: string;
}

/**
 * Predicts conflicts between a workflow's live branches after each agent commit and announces what changed:
 * `conflict.detected` for a conflict that is new or whose lines moved, `conflict.resolved` (obsolete) for one
 * that no longer exists. Scans of one workflow run one at a time, so each compares against the one before.
 */
export class ConflictWatcher {
  private readonly known = new Map<string, Map<string, Known>>();
  private readonly cache = new Map<string, Map<string, { stamp: string; prediction: PairPrediction }>>();
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly concurrency: number;

  constructor(
    private readonly repoDir: string,
    private readonly bus: Pick<EventBus, 'emit'>,
    private readonly options: ConflictWatcherOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  scan(workflowId: string, branches: readonly string[], baseBranch?: BaseBranch): Promise<ScanReport> {
    const previous = this.running.get(workflowId) ?? Promise.resolve();
    const next = previous.then(() => this.scanNow(workflowId, branches, baseBranch));
    this.running.set(workflowId, next.catch(() => undefined));
    return next;
  }

  /** The conflicts currently believed to exist in a workflow. */
  current(workflowId: string): PredictedConflict[] {
    return [...(this.known.get(workflowId)?.values() ?? [])].map((k) => k.conflict);
  }

  /** Drops a finished workflow's state without announcing anything. */
  forget(workflowId: string): void {
    this.known.delete(workflowId);
    this.cache.delete(workflowId);
    this.running.delete(workflowId);
  }

  private async scanNow(workflowId: string, branches: readonly string[], baseBranch?: BaseBranch): Promise<ScanReport> {
    const names = [...new Set(branches)].sort();
    const pairs: [string, string][] = [];
    for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) pairs.push([names[i]!, names[j]!]);
    if (baseBranch && (await this.baseMoved(baseBranch))) for (const name of names) if (name !== baseBranch.ref) pairs.push([name, baseBranch.ref]);

    const report: ScanReport = { detected: [], resolved: [], failed: [], dryRuns: 0 };
    const found = new Map<string, Known>();
    const failedPairs = new Set<string>();
    // A pair whose two heads have not moved since the last scan keeps its prediction: after one
    // agent's commit only the pairs with its branch are dry-run again.
    const heads = await this.headsOf(pairs.flat());
    const cache = this.cache.get(workflowId) ?? new Map<string, { stamp: string; prediction: PairPrediction }>();
    this.cache.set(workflowId, cache);
    const results = await mapLimit(pairs, this.concurrency, async (pair) => {
      const stamp = `${heads.get(pair[0]) ?? '?'}:${heads.get(pair[1]) ?? '?'}`;
      const cached = cache.get(pairKey(pair));
      if (cached && cached.stamp === stamp && !stamp.includes('?')) return cached.prediction;
      try {
        const at = heads.has(pair[0]) && heads.has(pair[1]) ? [heads.get(pair[0])!, heads.get(pair[1])!] as const : undefined;
        const prediction = await predictConflicts(this.repoDir, pair[0], pair[1], undefined, { timeoutMs: this.options.timeoutMs, at });
        cache.set(pairKey(pair), { stamp, prediction });
        report.dryRuns++;
        return prediction;
      } catch (error) {
        report.failed.push({ branches: pair, error: errorMessage(error) });
        failedPairs.add(pairKey(pair));
        return undefined;
      }
    });
    for (const prediction of results) if (prediction) for (const k of toKnown(prediction)) found.set(k.conflict.id, k);

    const before = this.known.get(workflowId) ?? new Map<string, Known>();
    for (const [id, old] of before) {
      if (found.has(id)) continue;
      // A pair that could not be compared says nothing about whether its conflicts still exist.
      if (failedPairs.has(old.pairKey)) {
        found.set(id, old);
        continue;
      }
      this.bus.emit(workflowId, 'conflict.resolved', { id, how: 'obsolete', detail: `${old.conflict.branches.join(' and ')} no longer conflict in ${old.conflict.file.path}.` });
      report.resolved.push(id);
    }
    for (const [id, now] of found) {
      if (before.get(id)?.fingerprint === now.fingerprint) continue;
      const c = now.conflict;
      this.bus.emit(workflowId, 'conflict.detected', { id, kind: c.kind, branches: c.branches, files: [c.file], description: c.description });
      report.detected.push(id);
    }
    this.known.set(workflowId, found);
    return report;
  }

  /** The commit each ref points at now, in one git call; a ref that does not resolve is left out. */
  private async headsOf(refs: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(refs)];
    const heads = new Map<string, string>();
    if (!unique.length) return heads;
    const out = await runGit(['rev-parse', ...unique.map((r) => `${r}^{commit}`)], { cwd: this.repoDir, okCodes: [128], timeoutMs: this.options.timeoutMs });
    if (out.code !== 0) return heads;
    out.stdout.trim().split('\n').forEach((sha, i) => heads.set(unique[i]!, sha));
    return heads;
  }

  private async baseMoved(base: BaseBranch): Promise<boolean> {
    const run = { cwd: this.repoDir, timeoutMs: this.options.timeoutMs };
    const [head, since] = await Promise.all([gitOut(['rev-parse', '--verify', `${base.ref}^{commit}`], run), gitOut(['rev-parse', '--verify', `${base.since}^{commit}`], run)]);
    return head !== since;
  }
}

function pairKey(pair: readonly [string, string]): string {
  return `${pair[0]}\0${pair[1]}`;
}

/** Stable across scans: the same kind of conflict between the same branches in the same file keeps its id. */
export function conflictId(kind: string, branches: readonly string[], path: string): string {
  return `c-${createHash('sha1').update(`${kind}\0${[...branches].sort().join('\0')}\0${path}`).digest('hex').slice(0, 8)}`;
}

function toKnown(p: PairPrediction): Known[] {
  const branches: [string, string] = [p.a, p.b];
  const out: Known[] = [];
  for (const kind of ['textual', 'overlap'] as const) {
    for (const file of p[kind]) {
      const conflict: PredictedConflict = { id: conflictId(kind, branches, file.path), kind, branches, file, description: describe(kind, branches, file) };
      out.push({ conflict, fingerprint: JSON.stringify(file.ranges), pairKey: pairKey(branches) });
    }
  }
  return out;
}

function describe(kind: 'textual' | 'overlap', [a, b]: readonly [string, string], file: FileConflict): string {
  const lines = (branch: string): string =>
    file.ranges.filter((r) => r.branch === branch).map((r) => (r.startLine === r.endLine ? `${r.startLine}` : `${r.startLine}-${r.endLine}`)).join(', ') || 'the whole file';
  const where = `${file.path} (${a}: lines ${lines(a)}; ${b}: lines ${lines(b)})`;
  return kind === 'textual'
    ? `Merging ${a} and ${b} will conflict in ${where}. Let one of them build on the other's change, or decide which version wins before merging.`
    : `${a} and ${b} change the same lines of ${where}; git merges them cleanly, but check that the combined result is what both intended.`;
}

/** Runs `fn` over `items` with at most `limit` at once, keeping the order of the results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
