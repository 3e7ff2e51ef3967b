import { z } from 'zod';
import { approvalTriggers } from '../config/vocabulary';

// zod schemas for every structured model output and every message between agents. The model sees
// them as JSON Schema; replies are validated here before anything acts on them.

const taskId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'task ids are lowercase slugs such as "t1" or "add-tests"').max(40);

export const plannedTaskSchema = z.object({
  id: taskId,
  title: z.string().min(1).describe('A short imperative title'),
  description: z.string().min(1).describe('What to do and how to know it is done'),
  capabilities: z.array(z.string().min(1)).min(1).describe('Capabilities needed, e.g. implement, test, review, docs, security'),
  dependsOn: z.array(z.string()).describe('Ids of tasks that must finish first'),
  files: z.array(z.string()).describe('Files the task will likely change, relative to the repository root'),
  risks: z.array(z.enum(approvalTriggers)).describe('Risky kinds of change this task involves, if any'),
  /** Hierarchical mode: an epic is handed to a sub-orchestrator and decomposed again. */
  epic: z.boolean().optional().describe('True for a large task that should be broken down again by a sub-team'),
});
/**
 * A task the user asked for from a conflict diagnostic ("ask <agent> to resolve"), never planned by a
 * model: before the agent works, `branch` (the other side's) is merged into its worktree, leaving
 * git's conflict markers for it to resolve; the task's commit is that merge.
 */
export interface ConflictMerge {
  /** The other side: an agent of the workflow, or `integration`. */
  with: string;
  branch: string;
}
export type PlannedTask = z.infer<typeof plannedTaskSchema> & { resolve?: ConflictMerge };

export const planSchema = z.object({
  rationale: z.string().describe('Why the work is split this way'),
  tasks: z.array(plannedTaskSchema).min(1).max(40),
});
export type Plan = z.infer<typeof planSchema>;

const plansByWords = new Map<string, typeof planSchema>();

/**
 * The plan schema for a team: the model is shown the team's capability words as an enum, so it names them
 * as the team does. Validation still takes any word (the vocabulary maps "implementation" to implement, and a
 * word it cannot map is kept, not refused), so a model or server that ignores the enum loses nothing.
 */
export function planSchemaFor(capabilityWords: readonly string[]): typeof planSchema {
  const key = capabilityWords.join('\n');
  let schema = plansByWords.get(key);
  if (!schema) {
    const word = capabilityWords.length ? z.string().min(1).meta({ enum: [...capabilityWords] }) : z.string().min(1);
    const capabilities = z.array(word).min(1).describe(`Capabilities needed, in the team's words${capabilityWords.length ? `: ${capabilityWords.join(', ')}` : ''}`);
    schema = planSchema.extend({ tasks: z.array(plannedTaskSchema.extend({ capabilities })).min(1).max(40) });
    plansByWords.set(key, schema);
  }
  return schema;
}

export const routingSchema = z.object({
  assignments: z.array(z.object({
    taskId: z.string(),
    agentId: z.string(),
    rationale: z.string().min(1).describe('Why this agent fits this task'),
    confidence: z.number().min(0).max(1),
  })),
});
export type Routing = z.infer<typeof routingSchema>;

/** The routing schema with the task and agent ids offered as enums; any string still validates, and is checked with a reason. */
export function routingSchemaFor(taskIds: readonly string[], agentIds: readonly string[]): typeof routingSchema {
  return z.object({
    assignments: z.array(routingSchema.shape.assignments.element.extend({
      taskId: z.string().meta({ enum: [...taskIds] }),
      agentId: z.string().meta({ enum: [...agentIds] }),
    })),
  });
}

export const bidSchema = z.object({
  fit: z.number().min(0).max(1).describe('How well this task matches your role and capabilities'),
  expectedSteps: z.number().int().min(1).max(100).describe('Tool-calling steps you expect to need'),
  note: z.string().describe('One line on why'),
});
export type Bid = z.infer<typeof bidSchema>;

export const verdictSchema = z.object({
  verdict: z.enum(['approve', 'request_changes', 'reject']),
  comments: z.string().describe('The critique the author will receive'),
  findings: z.array(z.object({
    path: z.string().optional(),
    line: z.number().int().positive().optional(),
    severity: z.enum(['info', 'minor', 'major', 'blocker']),
    message: z.string(),
  })),
});
export type Verdict = z.infer<typeof verdictSchema>;

export const retrospectiveSchema = z.object({
  worked: z.array(z.string()).describe('What went well and should be repeated'),
  failed: z.array(z.string()).describe('What went wrong and why'),
  lessons: z.array(z.string()).describe('Short lessons for the next workflows on this repository'),
});
export type Retrospective = z.infer<typeof retrospectiveSchema>;

/** A structured message from one agent to another (DESIGN.md §2's handoff tool, completed by the engine). */
export const handoffMessageSchema = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  intent: z.string().min(1),
  urgency: z.enum(['low', 'normal', 'high']),
  context: z.string().describe('What the receiver needs to know: the sender\'s task and progress'),
  message: z.string().min(1),
  artifacts: z.array(z.string()).describe('Files in the sender\'s branch the receiver should look at'),
  expectedOutput: z.string().describe('What the sender expects back'),
});
export type HandoffMessage = z.infer<typeof handoffMessageSchema>;
