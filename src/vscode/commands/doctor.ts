import * as vscode from 'vscode';
import { runDoctor } from '../../core/doctor';
import type { Check } from '../../core/doctor';
import type { ApiKeyStore } from '../secrets';
import { loadEngineModule } from '../engine/engineLoader';
import { modelEndpoint, storageSettings } from '../settings';

const marks: Record<Check['status'], string> = { ok: '✓', warn: '!', fail: '✗' };

/** "Baton: Check Setup": every prerequisite, written to the Baton output and summed up in a notification. */
export async function doctor(keys: ApiKeyStore, output: vscode.LogOutputChannel, extensionPath: string): Promise<Check[]> {
  const checks = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Baton: checking setup…' },
    async () => runDoctor({
      host: 'extension',
      repoDir: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      ...modelEndpoint(await keys.get()),
      storage: storageSettings(),
      // The pg driver comes with the engine bundle, loaded only for a PostgreSQL backend.
      checkStorage: (url, timeoutMs) => loadEngineModule(extensionPath).checkPostgres(url, timeoutMs),
    }),
  );
  output.info('Baton setup check');
  for (const c of checks) output.info(`${marks[c.status]} ${c.name}: ${c.detail}${c.fix ? ` — ${c.fix}` : ''}`);
  const problems = checks.filter((c) => c.status !== 'ok');
  const first = problems[0];
  if (!first) {
    void vscode.window.showInformationMessage(`Baton: all ${checks.length} checks passed.`);
  } else {
    const text = `Baton: ${problems.length} of ${checks.length} checks need attention. ${first.name}: ${first.detail}${first.fix ? ` ${first.fix}` : ''}`;
    void vscode.window.showWarningMessage(text, 'Show Details').then((a) => a && output.show());
  }
  return checks;
}
