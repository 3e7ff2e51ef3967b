import { capabilityKey } from './config/capabilities';
import type { PlannedTask } from './graph/schemas';
import type { Assignment, TaskResult } from './graph/state';

// Learning memory: what earlier workflows on this repository teach the next ones. It is kept apart from the
// operational records (workflows, approvals, checkpoints): deleting a workflow's state never deletes what was
// learned from it, and a user can delete a memory without touching any workflow.

/** How one agent fared with one kind of task (a task's first capability: implement, test, docs...). */
export interface AgentTrackRecord {
  agentId: string;
  taskKind: string;
  succeeded: number;
  failed: number;
}

/** What planning and routing read before a workflow runs. */
export interface Recollection {
  /** Lessons from earlier retrospectives, the most relevant to the task first. */
  lessons: string[];
  trackRecords: AgentTrackRecord[];
}

/** A routing decision and how it turned out. */
export interface RoutingOutcome {
  taskId: string;
  agentId: string;
  taskKind: string;
  strategy: string;
  outcome: 'succeeded' | 'failed';
  /** For a failure: timeout, max-steps, model, git, config, review-rejected, approval-rejected... */
  errorKind?: string;
  detail?: string;
  rounds: number;
}

export interface Retrospective {
  worked: string[];
  failed: string[];
  lessons: string[];
}

/** Everything one finished workflow teaches. */
export interface WorkflowLearning {
  task: string;
  outcomes: RoutingOutcome[];
  retrospective: Retrospective;
}

export interface LearningMemory {
  recall(task: string): Promise<Recollection>;
  /** Records a workflow's learning; doing it twice for one workflow stores it once. */
  learn(workflowId: string, learning: WorkflowLearning): Promise<void>;
}

/** A task's kind is its first capability's key, so "testing" and "tests" count as one kind: test. */
export function taskKindOf(task: Pick<PlannedTask, 'capabilities'>): string {
  const first = task.capabilities[0];
  return first ? capabilityKey(first) : 'general';
}

/**
 * The routing outcomes of a workflow's tasks. Tasks that never ran (skipped, still waiting for a person)
 * teach nothing; neither do epics, whose work is done by their sub-workflow's agents.
 */
export function routingOutcomes(plan: readonly PlannedTask[], results: Readonly<Record<string, TaskResult>>, assignments: Readonly<Record<string, Pick<Assignment, 'agentId' | 'strategy'>>>): RoutingOutcome[] {
  return plan.flatMap((task): RoutingOutcome[] => {
    const r = results[task.id];
    if (!r || r.agentId === 'orchestrator' || (r.status !== 'done' && r.status !== 'failed' && r.status !== 'rejected')) return [];
    const assigned = assignments[task.id];
    // The task's result names the agent that did it: the assigned one, or its fallback.
    const strategy = assigned && assigned.agentId !== r.agentId ? 'fallback' : assigned?.strategy ?? 'llm';
    const base = { taskId: task.id, agentId: r.agentId, taskKind: taskKindOf(task), strategy, rounds: r.rounds };
    if (r.status === 'done') return [{ ...base, outcome: 'succeeded' }];
    const errorKind = r.status === 'rejected' ? (r.verdict === 'reject' ? 'review-rejected' : 'approval-rejected') : (r.errorKind ?? 'model');
    return [{ ...base, outcome: 'failed', errorKind, detail: (r.error ?? r.summary).slice(0, 500) }];
  });
}

/** A success rate worth acting on: only after a few tries, so one bad day does not brand an agent. */
export function successRate(record: Pick<AgentTrackRecord, 'succeeded' | 'failed'>, minimumTries = 3): number | undefined {
  const tries = record.succeeded + record.failed;
  return tries >= minimumTries ? record.succeeded / tries : undefined;
}
