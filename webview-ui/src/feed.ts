// What the panel derives from a workflow's entries: the thread of each agent, the cost series and
// the timeline spans. Pure functions, so plain mocha tests them (test/unit/panelDerive.test.ts).
import type { CostEntry, PanelEntry, ThreadEntry } from '../../src/protocol/panelEntries';

export const orchestrator = 'orchestrator';

/** Agents in the order they first appear, the orchestrator's own steps last. */
export function threadsByAgent(entries: readonly PanelEntry[]): Map<string, ThreadEntry[]> {
  const threads = new Map<string, ThreadEntry[]>();
  for (const e of entries) {
    if (e.kind === 'cost') continue;
    let list = threads.get(e.agent);
    if (!list) threads.set(e.agent, (list = []));
    list.push(e);
  }
  const own = threads.get(orchestrator);
  if (own) {
    threads.delete(orchestrator);
    threads.set(orchestrator, own);
  }
  return threads;
}

export interface AgentCost { agent: string; usd: number }

export function costByAgent(entries: readonly PanelEntry[]): AgentCost[] {
  const sums = new Map<string, number>();
  for (const e of entries) if (e.kind === 'cost') sums.set(e.agent, (sums.get(e.agent) ?? 0) + e.usd);
  return [...sums].map(([agent, usd]) => ({ agent, usd })).sort((a, b) => b.usd - a.usd);
}

export interface CostPoint { t: number; usd: number }

/** Each agent's running total over time, and the workflow's. */
export function costSeries(entries: readonly PanelEntry[]): { byAgent: Map<string, CostPoint[]>; total: CostPoint[] } {
  const byAgent = new Map<string, CostPoint[]>();
  const total: CostPoint[] = [];
  let sum = 0;
  for (const e of entries.filter((x): x is CostEntry => x.kind === 'cost')) {
    const t = Date.parse(e.ts);
    sum += e.usd;
    total.push({ t, usd: sum });
    let series = byAgent.get(e.agent);
    if (!series) byAgent.set(e.agent, (series = []));
    series.push({ t, usd: (series.at(-1)?.usd ?? 0) + e.usd });
  }
  return { byAgent, total };
}

export interface Span { agent: string; taskId: string; start: number; end: number; outcome: 'working' | 'done' | 'failed' }

/**
 * Which agent worked when: from each `started` step to its task's `finished` or `failed`. A span still
 * open ends at the last entry's time, so the picture does not depend on the clock of the viewer.
 */
export function timelineSpans(entries: readonly PanelEntry[]): { spans: Span[]; from: number; to: number } {
  const spans: Span[] = [];
  const open = new Map<string, Span>();
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const e of entries) {
    const t = Date.parse(e.ts);
    from = Math.min(from, t);
    to = Math.max(to, t);
    if (e.kind !== 'step') continue;
    const key = `${e.agent}\u0000${e.taskId}`;
    if (e.step === 'started') {
      const span: Span = { agent: e.agent, taskId: e.taskId, start: t, end: t, outcome: 'working' };
      open.set(key, span);
      spans.push(span);
    } else if (e.step === 'finished' || e.step === 'failed') {
      const span = open.get(key);
      if (!span) continue;
      span.end = t;
      span.outcome = e.step === 'finished' ? 'done' : 'failed';
      open.delete(key);
    }
  }
  for (const span of open.values()) span.end = to;
  return { spans, from: Number.isFinite(from) ? from : 0, to: Number.isFinite(to) ? to : 0 };
}

/** The agent working on a task, from its `started` step. */
export function agentOfTask(entries: readonly PanelEntry[], taskId: string | undefined): string | undefined {
  if (!taskId) return undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.kind === 'step' && e.step === 'started' && e.taskId === taskId) return e.agent;
  }
  return undefined;
}
