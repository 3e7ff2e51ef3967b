// Names fixed by the public contract (DESIGN.md §2) that both the team config and the event model speak.
// Kept in a leaf file with no imports so config and events can share them without an import cycle.

/** The tools an agent may be given, exactly as the model sees them. */
export const agentToolNames = [
  'read_file',
  'write_file',
  'edit_file',
  'list_files',
  'search_files',
  'run_command',
  'handoff',
  'finish',
] as const;
export type AgentToolName = (typeof agentToolNames)[number];

/** Tools that cannot change the worktree: what a reviewing agent gets. */
export const readOnlyToolNames = ['read_file', 'list_files', 'search_files', 'handoff', 'finish'] as const satisfies readonly AgentToolName[];

/** Risky steps that can be configured to stop for a human (the `baton.approvals.require` setting). */
export const approvalTriggers = [
  'publicApi',
  'schema',
  'deployment',
  'dependencies',
  // An agent's change to Baton's own team config (.baton/): once merged it steers later workflows.
  'config',
  'largeChange',
  'lowConfidence',
  'budget',
] as const;
export type ApprovalTrigger = (typeof approvalTriggers)[number];

export const workflowModes = ['centralized', 'hierarchical', 'event-driven'] as const;
export type WorkflowMode = (typeof workflowModes)[number];

export const routingStrategies = ['llm', 'contract-net'] as const;
export type RoutingStrategy = (typeof routingStrategies)[number];
