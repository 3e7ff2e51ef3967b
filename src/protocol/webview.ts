// The one typed channel between the extension host and the panel's webview. Both sides import
// these types; nothing crosses the channel that is not listed here. The webview says `ready`
// before the host posts anything, and every request carries an id its response echoes.
import type { PanelEntry } from './panelEntries';

export type WorkflowStatus = 'queued' | 'running' | 'waiting' | 'paused' | 'completed' | 'failed' | 'cancelled';
export type AgentStatus = 'idle' | 'working' | 'waiting' | 'done' | 'failed';

export interface AgentSummary {
  id: string;
  role: string;
  status: AgentStatus;
  currentStep?: string;
  costUsd: number;
}

export interface ApprovalView {
  approvalId: string;
  trigger: string;
  reason: string;
  files?: string[];
  /** The task that asked, so the panel can name its agent and open that agent's diff. */
  taskId?: string;
}

/** Why the status bar turns red: the budget breaker tripped, or an agent's model circuit is open. */
export interface WorkflowAlert {
  kind: 'budget' | 'circuit';
  detail: string;
}

export interface WorkflowSummary {
  id: string;
  task: string;
  status: WorkflowStatus;
  mode: string;
  costUsd: number;
  budgetUsd: number;
  agents: AgentSummary[];
  startedAt: string;
  /** What the workflow waits for, when it waits. */
  approvals?: ApprovalView[];
  /** Set while a breaker is tripped (cleared when the circuit closes or the workflow resumes). */
  alert?: WorkflowAlert;
}

/** Everything the panel shows; the host sends a fresh one whenever it changes. */
export interface PanelState {
  extensionVersion: string;
  workspaceTrusted: boolean;
  workflows: WorkflowSummary[];
}

/** Requests the webview makes of the host: method -> [params, result]. */
export interface PanelRequests {
  runCommand: [{ command: PanelCommand; workflowId?: string }, void];
  decide: [{ workflowId: string; approvalId: string; decision: 'approve' | 'reject' }, void];
  /** Start sending this workflow's entries (history, then live); replaces the previous watch. */
  watch: [{ workflowId: string }, void];
  /** Opens an agent's changes in VS Code's diff (the `baton.showChanges` command). */
  openDiff: [{ workflowId: string; agentId?: string }, void];
}

/** The commands a panel button may run; a closed list so the webview cannot run arbitrary commands. */
export const panelCommands = ['baton.startWorkflow', 'baton.tryDemo', 'baton.setApiKey', 'baton.doctor'] as const;
export type PanelCommand = (typeof panelCommands)[number];

/** Notifications the host sends the webview: method -> params. */
export interface PanelNotifications {
  state: PanelState;
  /** Entries of the watched workflow: `reset` replaces what the panel holds (history), otherwise they append. */
  feed: { workflowId: string; entries: PanelEntry[]; reset: boolean };
  /** Show this workflow, and this agent's thread (the agent monitor's "Open Agent Panel" on an item). */
  focus: { workflowId: string; agentId?: string };
}

export type RequestMethod = keyof PanelRequests;
export type NotificationMethod = keyof PanelNotifications;

export type WebviewToHost =
  | { kind: 'ready' }
  | { [M in RequestMethod]: { kind: 'request'; id: number; method: M; params: PanelRequests[M][0] } }[RequestMethod];

export type HostToWebview =
  | { [M in NotificationMethod]: { kind: 'notify'; method: M; params: PanelNotifications[M] } }[NotificationMethod]
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

/** Narrows a value received from the other side; messages arrive as untyped JSON. */
export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.kind === 'ready') return true;
  return m.kind === 'request' && typeof m.id === 'number' && typeof m.method === 'string' && typeof m.params === 'object';
}

export function isPanelCommand(value: unknown): value is PanelCommand {
  return typeof value === 'string' && (panelCommands as readonly string[]).includes(value);
}
