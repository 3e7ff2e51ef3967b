import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { TeamConfig } from '../config/teamSchema';
import type { ApprovalTrigger } from '../config/vocabulary';
import type { EventBus } from '../events/eventBus';
import type { AgentWorkspaces } from '../git/workspaces';
import type { AgentTrackRecord } from '../learningMemory';
import type { ModelGateway } from '../models/modelGateway';
import type { CommandPolicy } from '../sandbox/runConfined';
import type { CheckSettings } from './checkRun';
import type { ApprovalDecision, ApprovalRequest } from './state';

export interface ApprovalPolicy {
  require: ReadonlySet<ApprovalTrigger>;
  confidenceThreshold: number;
  largeChangeFiles: number;
  /** ask: stop and wait for a person; auto: approve by policy; never: reject by policy. */
  mode: 'ask' | 'auto' | 'never';
}

/**
 * What graph nodes use besides their state: the model gateway, git, the event bus, the team and
 * the policies. It comes in through `config.configurable.baton`, never through globals, so a
 * test builds one from fakes and two workflows never share one by accident.
 */
export interface EngineContext {
  gateway: ModelGateway;
  bus: EventBus;
  team: TeamConfig;
  workspaces: AgentWorkspaces;
  baseCommit: string;
  /** Bounds how many agents work at once (baton.concurrency). */
  pool: <T>(fn: () => Promise<T>) => Promise<T>;
  approvals: ApprovalPolicy;
  allowCommands: readonly string[];
  /** Asks a person whether a command may run; `why` is set when it would run without a sandbox. */
  approveCommand?: (command: string, agentId: string, taskId: string, why?: string) => Promise<boolean>;
  /** How agents' commands and the check run: sandbox, environment names, hosts they may reach (decision 0023). */
  commands: CommandPolicy;
  /** Decides an approval without a person when the policy says so. */
  decideByPolicy?: (request: ApprovalRequest) => ApprovalDecision | undefined;
  /** Lessons from earlier workflows, the most relevant to this task first. */
  lessons: string[];
  /** The project's check, run on the integrated result; none: integration only merges. */
  check?: CheckSettings;
  /**
   * The conflicts predicted between the agents' branches after their commits (absent when prediction
   * is off): integration waits for the last predictions and does not announce a textual conflict twice.
   */
  predicted?: {
    settled(workflowId: string): Promise<void>;
    current(workflowId: string): readonly { kind: string; branches: readonly string[]; file: { path: string } }[];
  };
  /** Ask to merge the integrated result into the user's branch (the 'merge' approval), then land it. */
  merge: boolean;
  /** How each agent fared with each kind of task on this repository: routing reads it. */
  trackRecords: AgentTrackRecord[];
  signal: AbortSignal;
}

export function engineContext(config: LangGraphRunnableConfig): EngineContext {
  const ctx = (config.configurable as { baton?: EngineContext } | undefined)?.baton;
  if (!ctx) throw new Error('Baton graph invoked without its engine context (config.configurable.baton).');
  return ctx;
}

export function workflowIdOf(config: LangGraphRunnableConfig): string {
  return String((config.configurable as { thread_id?: string } | undefined)?.thread_id ?? '');
}

/**
 * `--approve auto|never` (the policy modes): every approval is answered at once, and announced as
 * asked and answered so the audit log tells the same story as a person's answer. 'ask': undefined.
 * A budget stop is never answered by a policy: only a person raises a budget (or ends the work), so a
 * headless run stops there, paused, and says how to go on. Nor does `auto` approve a commit that would
 * hold what looks like a secret: only a person can tell a false alarm; `never` rejects it like the rest.
 */
export function policyDecider(bus: EventBus, workflowId: string, mode: ApprovalPolicy['mode']): EngineContext['decideByPolicy'] {
  return (request) => {
    if (mode === 'ask' || request.trigger === 'budget' || (mode === 'auto' && request.trigger === 'secret')) return undefined;
    const decision: ApprovalDecision = { decision: mode === 'auto' ? 'approve' : 'reject', reason: `--approve ${mode}`, by: 'policy' };
    bus.emit(workflowId, 'approval.requested', { approvalId: request.approvalId, taskId: request.taskId, trigger: request.trigger, reason: request.reason, files: request.files });
    bus.emit(workflowId, 'approval.resolved', { approvalId: request.approvalId, decision: decision.decision, reason: decision.reason, by: 'policy' });
    return decision;
  };
}
