import type { EngineSettings } from '../core/openEngine';
import type { RunSettings } from '../core/workflowRecords';
import type { Flags, RunFlags } from './settings';

export interface ResumeSettings {
  settings: EngineSettings;
  approve: RunSettings['approve'];
  /** One line per flag that changes how the workflow was run: said, then kept for it. */
  notes: string[];
}

type Setting = keyof RunSettings;

/** The flags of `baton resume` that name a run setting. */
const flagOf: Record<Setting, string> = {
  approve: 'approve', concurrency: 'concurrency', model: 'model', baseUrl: 'base-url', check: 'check', keepWorktrees: 'keep-worktrees',
};

/**
 * What `baton resume` runs a workflow with: the settings it was run with (its record keeps them), and over
 * them the flags given to resume, each said. Everything else (the key, the rate limit, the allowed commands)
 * comes from the environment and the settings file as for `baton run`. A workflow recorded before Baton kept
 * its settings takes those of `baton run` today.
 */
export function resumeSettings(given: RunFlags, kept: RunSettings | undefined, flags: Flags): ResumeSettings {
  const now: RunSettings = {
    approve: given.approve,
    concurrency: given.settings.concurrency ?? 4,
    model: given.settings.endpoint.model,
    baseUrl: given.settings.endpoint.baseUrl,
    ...(given.settings.checkCommand ? { check: given.settings.checkCommand } : {}),
    keepWorktrees: given.settings.keepWorktrees === true,
  };
  if (!kept) return { settings: given.settings, approve: given.approve, notes: [] };
  const chosen: RunSettings = { ...kept };
  const notes: string[] = [];
  for (const key of Object.keys(flagOf) as Setting[]) {
    if (flags[flagOf[key]] === undefined) continue;
    (chosen as unknown as Record<Setting, unknown>)[key] = now[key];
    if (now[key] !== kept[key]) notes.push(`--${flagOf[key]} ${show(now[key])} instead of ${show(kept[key])}, as the workflow ran until now`);
  }
  const settings: EngineSettings = {
    ...given.settings,
    endpoint: { ...given.settings.endpoint, model: chosen.model, baseUrl: chosen.baseUrl },
    approvalMode: chosen.approve,
    concurrency: chosen.concurrency,
    checkCommand: chosen.check,
    keepWorktrees: chosen.keepWorktrees,
  };
  return { settings, approve: chosen.approve, notes };
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : typeof value === 'string' ? `"${value}"` : String(value);
}
