import type { BatonEvent } from '../events/events';

export interface CostLine {
  usd: number;
  calls: number;
  promptTokens: number;
  /** Of `promptTokens`, those the provider read from its cache. */
  cachedPromptTokens: number;
  completionTokens: number;
  /** Of `usd`, what was counted locally because the API reported no usage (a cut stream). */
  estimatedUsd: number;
}

/** A workflow's spend, rolled up from its cost.recorded events. */
export interface CostRollUp {
  total: CostLine;
  byAgent: Record<string, CostLine>;
  byTask: Record<string, CostLine>;
  byModel: Record<string, CostLine>;
  /** Hierarchical mode: each epic's sub-workflow, its nested ones included. */
  bySubWorkflow: Record<string, CostLine>;
}

const empty = (): CostLine => ({ usd: 0, calls: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0, estimatedUsd: 0 });

/**
 * Rolls the cost.recorded events of one workflow up per agent, task, model and sub-workflow. A task
 * belongs to the sub-workflow of the epic that planned it (plan.created's parentId), and to that
 * epic's parents in turn; the orchestrator's calls inside a sub-workflow carry the epic as their task.
 */
export function rollUpCosts(events: readonly BatonEvent[]): CostRollUp {
  const parentOf = new Map<string, string>();
  for (const e of events) if (e.type === 'plan.created') for (const t of e.data.tasks) if (t.parentId) parentOf.set(t.id, t.parentId);
  const epics = new Set(parentOf.values());
  const out: CostRollUp = { total: empty(), byAgent: {}, byTask: {}, byModel: {}, bySubWorkflow: {} };
  const add = (table: Record<string, CostLine>, key: string, d: CostLine) => accumulate((table[key] ??= empty()), d);
  for (const e of events) {
    if (e.type !== 'cost.recorded') continue;
    const d: CostLine = { usd: e.data.usd, calls: 1, promptTokens: e.data.promptTokens, cachedPromptTokens: e.data.cachedPromptTokens ?? 0, completionTokens: e.data.completionTokens, estimatedUsd: e.data.estimated ? e.data.usd : 0 };
    accumulate(out.total, d);
    add(out.byAgent, e.agent ?? 'orchestrator', d);
    add(out.byModel, e.data.model, d);
    const taskId = e.data.taskId;
    if (!taskId) continue;
    add(out.byTask, taskId, d);
    // The epic itself (its sub-workflow's own orchestrator calls) and every epic above the task.
    const seen = new Set<string>();
    for (let id: string | undefined = epics.has(taskId) ? taskId : parentOf.get(taskId); id && !seen.has(id); id = parentOf.get(id)) {
      seen.add(id);
      add(out.bySubWorkflow, id, d);
    }
  }
  return out;
}

function accumulate(line: CostLine, d: CostLine): void {
  line.usd += d.usd;
  line.calls += d.calls;
  line.promptTokens += d.promptTokens;
  line.cachedPromptTokens += d.cachedPromptTokens;
  line.completionTokens += d.completionTokens;
  line.estimatedUsd += d.estimatedUsd;
}
