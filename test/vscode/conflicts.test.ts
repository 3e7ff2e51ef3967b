import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';

const plan = { rationale: 'two agents, one file', tasks: [
  { id: 't1', title: 'Answer in English', description: 'src/index.ts', capabilities: ['implement'], dependsOn: [], files: ['src/index.ts'], risks: [] },
  { id: 't2', title: 'Answer in French', description: 'src/index.ts as well', capabilities: ['test'], dependsOn: [], files: ['src/other.ts'], risks: [] },
] };
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 },
  { taskId: 't2', agentId: 'tester', rationale: 'touches the same file', confidence: 1 },
] };

function batonDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Baton');
}

describe('conflicts between agents as diagnostics in the editor', () => {
  it('marks the lines both agents changed in the user\'s file, as an error for a textual conflict', async () => {
    const server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: () => [{ name: 'write_file', args: { path: 'src/index.ts', content: 'export const answer = "forty-two";\n' } }] },
      tester: { work: () => [{ name: 'write_file', args: { path: 'src/index.ts', content: 'export const answer = "quarante-deux";\n' } }] },
    }) });
    const config = vscode.workspace.getConfiguration('baton');
    await config.update('model.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    await config.update('rateLimit.requestsPerMinute', 100_000, vscode.ConfigurationTarget.Workspace);
    try {
      const uri = vscode.Uri.file(join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'src', 'index.ts'));
      const marked = new Promise<vscode.Diagnostic[]>((resolve) => {
        const sub = vscode.languages.onDidChangeDiagnostics((e) => {
          if (!e.uris.some((u) => u.toString() === uri.toString())) return;
          const found = batonDiagnostics(uri);
          if (found.length) {
            sub.dispose();
            resolve(found);
          }
        });
      });
      await vscode.commands.executeCommand('baton.startWorkflow', { task: 'answer in two languages' });
      const diagnostics = await marked;
      assert.equal(diagnostics.length, 2, 'one per side');
      for (const d of diagnostics) {
        assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
        assert.equal(d.range.start.line, 0);
        assert.equal(d.code, 'textual-conflict');
      }
      assert.deepEqual(diagnostics.map((d) => /\((\w+) on /.exec(d.message)?.[1]).sort(), ['coder', 'tester']);
    } finally {
      await config.update('model.baseUrl', undefined, vscode.ConfigurationTarget.Global);
      await config.update('rateLimit.requestsPerMinute', undefined, vscode.ConfigurationTarget.Workspace);
      await server.close();
    }
  });
});
