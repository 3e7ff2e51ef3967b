import { z } from 'zod';
import { approvalTriggers, workflowModes } from '../config/vocabulary';

// The `data` payload of each event type. Payloads carry ids and short summaries, never whole file contents or
// transcripts: events are kept forever in the audit log and streamed to every client.

const id = z.string().min(1);
const usd = z.number().nonnegative();
const count = z.number().int().nonnegative();
/** 0 (no idea) to 1 (certain), as agents report it with `finish`. */
const confidence = z.number().min(0).max(1);
const gitSha = z.string().regex(/^[0-9a-f]{7,64}$/, 'expected a git commit id (hex)');

export const workflowStarted = z.object({
  task: z.string().min(1),
  mode: z.enum(workflowModes),
  budgetUsd: usd.optional(),
  model: z.string().optional(),
  baseBranch: z.string().optional(),
  /** Models of the workflow no price list knows (a local one): their calls cost $0 here, said once, at the start. */
  unpricedModels: z.array(z.string()).optional(),
  /** The budget in tokens that then holds as well (0 or absent: none). */
  budgetTokens: count.optional(),
});

export const planCreated = z.object({
  tasks: z.array(
    z.object({
      id,
      title: z.string().min(1),
      description: z.string().optional(),
      capabilities: z.array(z.string()).default([]),
      dependsOn: z.array(id).default([]),
      /** Set in hierarchical mode: the epic this task belongs to. */
      parentId: id.optional(),
    }),
  ),
  rationale: z.string().optional(),
});

export const taskRouted = z.object({
  taskId: id,
  agentId: id,
  rationale: z.string(),
  // 'capability-match': the model's routing was still invalid after its repairs, so Baton gave the task to the
  // agent whose capabilities match it best (the rationale says why the model's routing was set aside).
  // 'fallback': the first agent failed and its configured fallback takes over; 'subscription': event-driven mode.
  // 'integration': a fix task for the agent whose branch breaks the project's check; 'user': the user
  // asked this agent to resolve a conflict (a quick fix on a conflict diagnostic).
  strategy: z.enum(['llm', 'contract-net', 'capability-match', 'fallback', 'subscription', 'integration', 'user']),
  confidence: confidence.optional(),
  bids: z.array(z.object({ agentId: id, score: z.number(), note: z.string().optional() })).optional(),
});

export const agentStarted = z.object({
  taskId: id,
  branch: z.string().min(1),
  model: z.string().optional(),
  attempt: z.number().int().positive().default(1),
});

export const agentMessage = z.object({
  taskId: id,
  role: z.enum(['assistant', 'user', 'system']).default('assistant'),
  content: z.string(),
});

export const agentToolCall = z.object({
  taskId: id,
  callId: z.string().optional(),
  // A plain string, not the tool enum: a model calling a tool that does not exist must still be recorded.
  tool: z.string().min(1),
  /** A one-line summary of the arguments (a path, a command), not the full content written. */
  args: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  durationMs: count.optional(),
});

export const agentToolRefused = z.object({
  taskId: id,
  tool: z.string().min(1),
  args: z.string(),
  // path: outside the worktree, .git or a symlink out; tool: not in the agent's tool list; command: not allowed.
  kind: z.enum(['path', 'tool', 'command']),
  reason: z.string().min(1),
  path: z.string().optional(),
});

export const agentCommitted = z.object({
  taskId: id,
  branch: z.string().min(1),
  sha: gitSha,
  message: z.string(),
  files: z.array(z.string()),
  insertions: count.optional(),
  deletions: count.optional(),
});

export const agentFinished = z.object({
  taskId: id,
  summary: z.string(),
  confidence,
  steps: count.optional(),
  costUsd: usd.optional(),
});

export const agentFailed = z.object({
  taskId: id,
  error: z.string().min(1),
  // 'loop': it repeated one tool call with the same result after being told; 'no-finish': it stopped talking to
  // the tools without calling finish and with nothing to show.
  kind: z.enum(['timeout', 'max-steps', 'loop', 'no-finish', 'model', 'tool', 'budget', 'cancelled', 'crash']),
  retryable: z.boolean(),
  /** The agent is optional in the team: the workflow goes on without it. */
  optional: z.boolean().default(false),
});

const handoffParties = { handoffId: id, from: id, to: id, taskId: id.optional() };

export const handoffSent = z.object({
  ...handoffParties,
  intent: z.string().min(1),
  message: z.string(),
  urgency: z.enum(['low', 'normal', 'high']).default('normal'),
  artifacts: z.array(z.string()).default([]),
});

export const handoffAccepted = z.object(handoffParties);

/** The handoff failed verification (e.g. unknown recipient, artifacts that do not exist) and was not delivered. */
export const handoffRejected = z.object({ ...handoffParties, reason: z.string().min(1), problems: z.array(z.string()).default([]) });

export const reviewVerdict = z.object({
  taskId: id,
  reviewer: id,
  verdict: z.enum(['approve', 'request_changes', 'reject']),
  round: z.number().int().positive(),
  comments: z.string(),
  findings: z
    .array(
      z.object({
        path: z.string().optional(),
        line: z.number().int().positive().optional(),
        severity: z.enum(['info', 'minor', 'major', 'blocker']),
        message: z.string(),
      }),
    )
    .default([]),
});

export const approvalRequested = z.object({
  approvalId: id,
  taskId: id.optional(),
  // 'command': a shell command outside `baton.commands.allow`, which always asks. 'merge': the integrated
  // result is about to land on the user's branch, which always asks (docs/decisions/0012). 'secret': an agent's
  // commit would hold what looks like a secret (the reason names file and line, never the value); only a person
  // answers it (docs/decisions/0025).
  trigger: z.enum([...approvalTriggers, 'command', 'merge', 'secret']),
  reason: z.string().min(1),
  files: z.array(z.string()).optional(),
  command: z.string().optional(),
});

export const approvalResolved = z.object({
  approvalId: id,
  decision: z.enum(['approve', 'reject']),
  reason: z.string().optional(),
  // 'policy': resolved without asking, e.g. `baton run --approve auto|never`.
  by: z.enum(['user', 'policy']).default('user'),
  /** A budget stop a person approved: the budget they chose. */
  budgetUsd: usd.optional(),
});

export const costRecorded = z.object({
  model: z.string().min(1),
  promptTokens: count,
  /** Of promptTokens, those the provider read from its cache (priced at the cache-read price); absent when none. */
  cachedPromptTokens: count.optional(),
  completionTokens: count,
  usd,
  /** Counted locally because the provider sent no usage (e.g. a cut stream). */
  estimated: z.boolean(),
  taskId: id.optional(),
  /** The workflow's running total after this call, so a status bar needs no ledger. */
  totalUsd: usd.optional(),
});

export const budgetWarning = z.object({ spentUsd: usd, budgetUsd: usd, fraction: z.number().nonnegative() });
export const budgetExceeded = z.object({
  spentUsd: usd,
  budgetUsd: usd,
  /** Set when the workflow's token budget (for models with no known price) is what was reached. */
  spentTokens: count.optional(),
  budgetTokens: count.optional(),
});

const lineRange = z.object({
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  branch: z.string().optional(),
});

export const conflictDetected = z.object({
  id,
  kind: z.enum(['textual', 'overlap', 'semantic']),
  branches: z.array(z.string().min(1)).min(2),
  files: z.array(z.object({ path: z.string().min(1), ranges: z.array(lineRange).default([]) })),
  description: z.string().optional(),
});

export const conflictResolved = z.object({
  id,
  how: z.enum(['merged', 'agent', 'user', 'dismissed', 'obsolete']),
  detail: z.string().optional(),
});

export const snapshotCreated = z.object({
  snapshot: count,
  ref: z.string().startsWith('refs/baton/snapshots/'),
  sha: gitSha,
  reason: z.string(),
});

export const rollbackDone = z.object({
  /** step: one task taken back; checkpoint: the graph to a point of its history; snapshot; restart: from the beginning. */
  level: z.enum(['step', 'checkpoint', 'snapshot', 'restart']).default('snapshot'),
  toSnapshot: count.optional(),
  ref: z.string().startsWith('refs/baton/snapshots/').optional(),
  checkpointId: z.string().optional(),
  /** Tasks whose results were taken back and run again. */
  tasks: z.array(z.string()).optional(),
  branches: z.array(z.string()),
  reason: z.string().optional(),
});

export const workflowPaused = z.object({
  // Each reason maps to a CLI exit code: approval 3, budget 4.
  // merge: the integrated result cannot land on the user's branch as it is now (exit code 3, like approval).
  reason: z.enum(['user', 'approval', 'budget', 'circuit', 'merge']),
  detail: z.string().optional(),
});

export const workflowResumed = z.object({ detail: z.string().optional() });

export const workflowCompleted = z.object({
  summary: z.string(),
  costUsd: usd,
  durationMs: count,
  tasksCompleted: count,
  tasksFailed: count.default(0),
  /** Tasks that never ran because a person took them out (a rejected approval, a stop at the budget). */
  tasksNotRun: count.default(0),
  branch: z.string().optional(),
});

export const workflowFailed = z.object({
  error: z.string().min(1),
  costUsd: usd.optional(),
  failedTaskIds: z.array(id).default([]),
  /** Set when the workflow ran to its end: how its planned tasks came out. */
  tasksCompleted: count.optional(),
  tasksFailed: count.optional(),
  tasksNotRun: count.optional(),
});

export const workflowCancelled = z.object({ reason: z.string().optional(), costUsd: usd.optional() });

/** A per-agent circuit breaker guarding one model changed state (cool-down in retryAfterMs when it opens). */
export const circuitState = z.object({
  agentId: id,
  model: z.string().min(1),
  state: z.enum(['open', 'half-open', 'closed']),
  reason: z.string().optional(),
  retryAfterMs: count.optional(),
});

/** A model call moved to the next of `baton.model.fallbacks`: the model failed after its retries, or its breaker is open. */
export const modelFallback = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  reason: z.string().min(1),
  taskId: id.optional(),
});

/**
 * What the repository's team file requests (its check, commands to allow) that this workflow does not use: the
 * user has not trusted that content (or chose to run without it). Said once per workflow and content.
 */
export const configIgnored = z.object({
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 (hex)'),
  check: z.string().optional(),
  commands: z.array(z.string()).default([]),
  /** Hosts its `sandbox.network` asks agents' commands to reach. */
  network: z.array(z.string()).optional(),
  /** untrusted: never answered for this content; declined: the user chose to run without it. */
  reason: z.enum(['untrusted', 'declined']),
});
