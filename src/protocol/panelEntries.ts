// What the panel draws a workflow's threads, cost chart and timeline from: one entry per thing an
// agent did, derived from the engine's events (src/vscode/panel/panelEntries.ts) and sent through the
// typed channel. Entries carry short texts only, like the events they come from.

interface EntryBase {
  /** The seq of the event it comes from; one event may give two entries (a handoff shows in both threads). */
  seq: number;
  ts: string;
  /** The thread it belongs to: an agent id, or 'orchestrator' for the workflow's own steps. */
  agent: string;
}

export type ThreadEntry =
  | (EntryBase & { kind: 'message'; role: 'assistant' | 'user' | 'system'; taskId: string; markdown: string })
  | (EntryBase & { kind: 'tool'; taskId: string; tool: string; args: string; ok: boolean; error?: string; refused?: boolean })
  | (EntryBase & { kind: 'handoff'; from: string; to: string; intent: string; message: string; state: 'sent' | 'accepted' | 'rejected'; detail?: string })
  | (EntryBase & { kind: 'verdict'; taskId: string; reviewer: string; verdict: 'approve' | 'request_changes' | 'reject'; round: number; comments: string; findings: number })
  | (EntryBase & { kind: 'step'; step: 'started' | 'committed' | 'finished' | 'failed'; taskId: string; text: string; files?: string[] })
  | (EntryBase & { kind: 'notice'; text: string });

/** Not shown in a thread: the chart and the timeline read these. */
export type CostEntry = EntryBase & { kind: 'cost'; usd: number; totalUsd?: number; model: string };

export type PanelEntry = ThreadEntry | CostEntry;
export type PanelEntryKind = PanelEntry['kind'];

export function isThreadEntry(e: PanelEntry): e is ThreadEntry {
  return e.kind !== 'cost';
}
