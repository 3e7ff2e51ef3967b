import type { Migration } from './schemaMigrations';

// The one ordered schema of `.git/baton/baton.db`. Append new steps at the end, never edit a released one:
// a database records how many of these it has applied, and a Baton that finds a higher number refuses to
// touch the file (an older build would misread a newer schema).

const checkpointTables = `
-- One row per LangGraph checkpoint. channel_values are not stored here: channel_blobs maps each channel to
-- [serde type, checkpoint_blobs.id], and a checkpoint that did not change a channel reuses its parent's entry.
CREATE TABLE checkpoints (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL,
  checkpoint_id TEXT NOT NULL,
  parent_checkpoint_id TEXT,
  checkpoint_type TEXT NOT NULL,
  checkpoint BLOB NOT NULL,
  metadata_type TEXT NOT NULL,
  metadata BLOB NOT NULL,
  channel_blobs TEXT NOT NULL,
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
);

-- Pending writes of a task against a checkpoint (what a node produced before the next checkpoint).
CREATE TABLE checkpoint_writes (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL,
  checkpoint_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  channel TEXT NOT NULL,
  value_type TEXT NOT NULL,
  blob_id INTEGER NOT NULL,
  task_path TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
);

-- Serialized values, content-addressed per thread and split into a tree of 8 KB chunks: level 0 holds bytes,
-- level n > 0 the sha256 hashes of its level n-1 children. A value that only grew at its end shares all but
-- its last chunks with the previous version.
CREATE TABLE checkpoint_blobs (
  id INTEGER PRIMARY KEY,
  thread_id TEXT NOT NULL,
  hash BLOB NOT NULL,
  level INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (thread_id, hash)
);
`;

// The operational records: what `baton list`/`status`, the tree and the HTTP API read, and the approval
// decisions `baton approve` leaves for the next resume.
const workflowTables = `
CREATE TABLE workflows (
  id TEXT PRIMARY KEY,
  task TEXT NOT NULL,
  mode TEXT NOT NULL,
  status TEXT NOT NULL,
  budget_usd REAL NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  base_commit TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  current_step TEXT,
  progress_done INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER NOT NULL DEFAULT 0,
  summary TEXT,
  error TEXT,
  runner_pid INTEGER
);
CREATE INDEX workflows_by_created ON workflows (created_at);

CREATE TABLE approval_decisions (
  workflow_id TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  approval_id TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
  reason TEXT,
  decided_at TEXT NOT NULL,
  PRIMARY KEY (workflow_id, approval_id)
);
`;

// What the reflect step learned, read by the next workflows' analyze step.
const lessonTables = `
CREATE TABLE lessons (
  id INTEGER PRIMARY KEY,
  workflow_id TEXT NOT NULL,
  lesson TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

// Learning memory, apart from the operational tables (no foreign key to workflows: what was learned outlives
// a workflow's records). One row per routed task of a finished workflow: the decision and how it turned out.
// The retrospective's "worked" and "failed" notes join its lessons, told apart by kind.
// A workflow keeps how it was run (resume goes on the same way), its budget in tokens, tasks that failed
// or never ran apart from those done, and the budget a person chose when approving a budget stop.
const runSettingsColumns = `
ALTER TABLE workflows ADD COLUMN budget_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN run_settings TEXT;
ALTER TABLE workflows ADD COLUMN progress_failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN progress_not_run INTEGER NOT NULL DEFAULT 0;
ALTER TABLE approval_decisions ADD COLUMN budget_usd REAL;
`;

const memoryTables = `
CREATE TABLE routing_outcomes (
  id INTEGER PRIMARY KEY,
  workflow_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  task_kind TEXT NOT NULL,
  strategy TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
  error_kind TEXT,
  detail TEXT,
  rounds INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (workflow_id, task_id)
);
CREATE INDEX routing_outcomes_by_agent ON routing_outcomes (agent_id, task_kind);
ALTER TABLE lessons ADD COLUMN kind TEXT NOT NULL DEFAULT 'lesson' CHECK (kind IN ('lesson', 'worked', 'failed'));
`;

export const batonMigrations: readonly Migration[] = [
  { version: 1, description: 'LangGraph checkpoints, pending writes and chunked value blobs', up: checkpointTables },
  { version: 2, description: 'workflow records and pending approval decisions', up: workflowTables },
  { version: 3, description: 'lessons from workflow retrospectives', up: lessonTables },
  { version: 4, description: 'learning memory: routing outcomes and whole retrospectives', up: memoryTables },
  { version: 5, description: 'run settings, token budgets, honest progress and budgets chosen at approval', up: runSettingsColumns },
];
