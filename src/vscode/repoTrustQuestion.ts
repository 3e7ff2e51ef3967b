import * as vscode from 'vscode';
import { describeRequests, hasRequests } from '../core/config/repoRequests';
import type { OpenedEngine } from '../core/openEngine';

// Workspace trust keeps its meaning (in an untrusted folder no agent runs at all); on top of it, what the
// repository's .baton/agents.yaml requests is asked about once per content, and the answer is kept in the same
// file as the CLI's `baton trust`, so both faces agree.

/**
 * Before a workflow starts: content the user never answered for is asked about in a modal (Trust / Run Without /
 * Cancel). False: the user cancelled, and nothing starts.
 */
export async function settleRepoTrust(opened: Pick<OpenedEngine, 'repoTrust'>): Promise<boolean> {
  const status = await opened.repoTrust.status();
  if (status.state !== 'undecided' || !hasRequests(status.unused)) return true;
  const kept = status.trustFile ? 'Baton remembers your answer for this content (in your settings area, not in the repository); a change to it asks again.' : 'Baton cannot remember your answer (no home folder): it lasts until VS Code closes.';
  const answer = await vscode.window.showWarningMessage(
    `This repository asks Baton ${describeRequests(status.unused)}.`,
    { modal: true, detail: `From ${status.file}. These commands would run on this machine with your permissions. Run Without uses your own settings only. ${kept}` },
    // The safe answer is the default one: Enter runs without what the repository asks for.
    'Run Without', 'Trust');
  if (answer === undefined) return false;
  await opened.repoTrust.decide(answer === 'Trust' ? 'trusted' : 'declined');
  return true;
}
