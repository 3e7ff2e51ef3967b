import { Command } from '@langchain/langgraph';
import type { StateSnapshot } from '@langchain/langgraph';
import { resolutionUpdate } from './conflictRequests';
import type { AskedResolution } from './conflictRequests';
import type { DeferredApproval } from './graph/nodes/approve';
import type { ApprovalDecision } from './graph/state';
import type { PendingApproval, RecordedDecision, WorkflowRecord } from './workflowRecords';

export type RunInput =
  /** A workflow not started yet: the graph's first input. */
  | { kind: 'start'; input: unknown }
  /** Stopped at approvals: the decisions recorded for them (and asked resolutions) resume it. */
  | { kind: 'resume'; input: Command; answered: { approval: PendingApproval; decision: RecordedDecision }[]; stale: string[]; detail: string }
  /** Stopped at approvals nobody answered yet: nothing to run. */
  | { kind: 'wait'; stale: string[] }
  /** Cut short by a crash, a cancel or a pause: the checkpoint says where to go on. */
  | { kind: 'continue'; input: Command | null; detail: string }
  /** The graph reached its end. */
  | { kind: 'ended' };

/**
 * What run() gives the graph, from the workflow's checkpoint, its open approvals, the decisions
 * recorded for them and the conflict resolutions the user asked for since it stopped.
 */
export function runInput(record: WorkflowRecord, snapshot: StateSnapshot, pending: readonly PendingApproval[], decisions: readonly RecordedDecision[], asked: readonly AskedResolution[]): RunInput {
  const budget = { budgetUsd: record.budgetUsd, budgetTokens: record.budgetTokens };
  if (!snapshot.values.workflowId) return { kind: 'start', input: { workflowId: record.id, task: record.task, mode: record.mode, ...budget } };
  // The record holds the budget a person set last (a budget stop approved with a new one, `resume --budget`):
  // the graph takes it with its next step.
  const values = snapshot.values as { budgetUsd?: number; budgetTokens?: number };
  const raised = values.budgetUsd !== budget.budgetUsd || (values.budgetTokens ?? 0) !== budget.budgetTokens ? budget : undefined;
  const update = asked.length || raised ? { ...(asked.length ? resolutionUpdate(snapshot.values, asked) : {}), ...raised } : undefined;
  const askedFor = [
    ...asked.map((a) => `${a.assignment.agentId} asked to resolve a conflict (${a.task.id})`),
    ...(raised ? [`budget now $${raised.budgetUsd.toFixed(2)}${raised.budgetTokens ? ` and ${raised.budgetTokens.toLocaleString('en-US')} tokens` : ''}`] : []),
  ];
  if (pending.length) {
    const byApproval = new Map(decisions.map((d) => [d.approvalId, d]));
    const stale = decisions.filter((d) => !pending.some((p) => p.approvalId === d.approvalId)).map((d) => d.approvalId);
    const resume: Record<string, ApprovalDecision | DeferredApproval> = {};
    const answered: { approval: PendingApproval; decision: RecordedDecision }[] = [];
    for (const p of pending) {
      const d = byApproval.get(p.approvalId);
      if (d) {
        resume[p.interruptId] = { decision: d.decision, reason: d.reason, by: 'user', ...(d.budgetUsd ? { budgetUsd: d.budgetUsd } : {}) };
        answered.push({ approval: p, decision: d });
      } else if (asked.length) {
        // Asked resolutions run first: an approval still open is put off, and asked again after them.
        resume[p.interruptId] = { defer: true };
      }
    }
    if (!Object.keys(resume).length) return { kind: 'wait', stale };
    return { kind: 'resume', input: new Command({ resume, update }), answered, stale, detail: [`${answered.length} approval(s) answered`, ...askedFor].join('; ') };
  }
  // `tasks`, not `next`: a node that finished and saved its writes just before a kill is left out of
  // `next`, yet the step is not over (LangGraph applies those writes and goes on).
  if (snapshot.tasks.length) {
    return { kind: 'continue', input: update ? new Command({ update }) : null, detail: [`from ${[...new Set(snapshot.tasks.map((t) => t.name))].join(', ')}`, ...askedFor].join('; ') };
  }
  return { kind: 'ended' };
}
