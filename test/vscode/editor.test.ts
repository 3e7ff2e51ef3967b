import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BatonApi } from '../../src/extension';
import type { WorkflowSummary } from '../../src/protocol/webview';
import { refUri } from '../../src/vscode/diff/refUri';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';

// coder and tester both rewrite README.md (a predicted textual conflict); coder then adds a
// dependency, so the workflow stops for an approval with both branches alive.
const plan = { rationale: 'one file twice, then a dependency', tasks: [
  { id: 't1', title: 'README in English', description: 'README.md', capabilities: ['implement'], dependsOn: [], files: ['README.md'], risks: [] },
  // Another file named, or the plan would make t2 wait for t1 and nothing would conflict.
  { id: 't2', title: 'README in French', description: 'README.md as well', capabilities: ['test'], dependsOn: [], files: ['docs/fr.md'], risks: [] },
  { id: 't3', title: 'Add zod', description: 'package.json', capabilities: ['implement'], dependsOn: ['t1'], files: ['package.json'], risks: [] },
] };
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 },
  { taskId: 't2', agentId: 'tester', rationale: 'translates', confidence: 1 },
  { taskId: 't3', agentId: 'coder', rationale: 'owns the manifest', confidence: 1 },
] };
const write = (path: string, content: string) => [{ name: 'write_file', args: { path, content } }];

function until(api: BatonApi, id: string, test: (w: WorkflowSummary) => boolean): Promise<WorkflowSummary> {
  return new Promise((resolve) => {
    const check = () => {
      const w = api.workflows().find((x) => x.id === id);
      if (w && test(w)) {
        sub.dispose();
        resolve(w);
      }
    };
    const sub = api.onDidChangeWorkflows(check);
    check();
  });
}

/** The tab whose label starts with `label` (the changes editor adds its file count). */
function tabLabelled(label: string): Promise<vscode.Tab> {
  return new Promise((resolve) => {
    const find = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith(label));
    const found = find();
    if (found) return resolve(found);
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = find();
      if (tab) {
        sub.dispose();
        resolve(tab);
      }
    });
  });
}

/** Baton's diagnostics for one workflow on `uri`, once `test` holds for them. */
function diagnosticsOf(uri: vscode.Uri, workflowId: string, test: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  const mine = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Baton' && d.message.includes(`baton/${workflowId}/`));
  return new Promise((resolve) => {
    if (test(mine())) return resolve(mine());
    const sub = vscode.languages.onDidChangeDiagnostics(() => {
      if (!test(mine())) return;
      sub.dispose();
      resolve(mine());
    });
  });
}

describe('diffs, approvals and quick fixes in the editor', () => {
  let server: FakeOpenAI;
  let api: BatonApi;
  let id: string;
  let startHead: string;
  const root = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root(), encoding: 'utf8' }).trim();

  before(async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: (t) => (t === 't3' ? write('package.json', '{"dependencies":{"zod":"^4"}}\n') : write('README.md', '# In English\n')) },
      tester: { work: () => write('README.md', '# En français\n') },
    }) });
    const config = vscode.workspace.getConfiguration('baton');
    await config.update('model.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    await config.update('rateLimit.requestsPerMinute', 100_000, vscode.ConfigurationTarget.Workspace);
    api = (await vscode.extensions.getExtension<BatonApi>('baton-dev.baton')!.activate());
    startHead = git('rev-parse', 'HEAD');
    id = await vscode.commands.executeCommand<string>('baton.startWorkflow', { task: 'the README in two languages, and zod' });
    const w = await until(api, id, (x) => ['waiting', 'failed', 'completed'].includes(x.status));
    assert.equal(w.status, 'waiting', JSON.stringify(w));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The merge landed on the user's branch: the tests that follow start from the repository as it was.
    git('reset', '--hard', '--quiet', startHead);
    const config = vscode.workspace.getConfiguration('baton');
    await config.update('model.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config.update('rateLimit.requestsPerMinute', undefined, vscode.ConfigurationTarget.Workspace);
    await server.close();
  });

  it('"Baton: Show Changes" opens the multi-file diff of an agent\'s branch against the base, read from git', async () => {
    const title = await vscode.commands.executeCommand<string>('baton.showChanges', { workflowId: id, agentId: 'coder' });
    assert.equal(title, `coder's changes (${id})`);
    await tabLabelled(title);
    const head = git('rev-parse', `baton/${id}/coder`);
    const base = git('rev-parse', 'HEAD');
    const at = (ref: string, path: string, owner: string) => refUri({ root: root(), ref, path, workflowId: id, owner });
    assert.equal((await vscode.workspace.openTextDocument(at(head, 'README.md', 'coder'))).getText(), '# In English\n');
    assert.equal((await vscode.workspace.openTextDocument(at(base, 'README.md', 'base'))).getText(), '# fixture\n');
    assert.equal((await vscode.workspace.openTextDocument(at(base, 'package.json', 'base'))).getText(), '', 'a file the base lacks reads empty');
    // The agent's side of the diff carries Approve / Reject lenses while the workflow waits; the base side none.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', at(head, 'README.md', 'coder'));
    assert.deepEqual(lenses.map((l) => l.command?.command), ['baton.approve', 'baton.reject']);
    assert.deepEqual(lenses[0]?.command?.arguments, [{ workflowId: id }]);
    assert.deepEqual(await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', at(base, 'README.md', 'base')), []);
  });

  it('a quick fix opens the comparison of both agents\' versions', async () => {
    const readme = vscode.Uri.file(join(root(), 'README.md'));
    // Code actions are asked of an open document, as the lightbulb does.
    await vscode.window.showTextDocument(readme);
    const [marked] = await diagnosticsOf(readme, id, (d) => d.length > 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', readme, marked!.range);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Baton: take coder\'s side (undo tester\'s change to README.md)'), titles.join('\n'));
    const compare = actions.find((a) => a.title.startsWith('Baton: open the comparison'))!;
    await vscode.commands.executeCommand(compare.command!.command, ...(compare.command!.arguments ?? []));
    await tabLabelled(`README.md: coder ↔ tester (${id})`);
  });

  it('the quick fix "take coder\'s side" commits on tester\'s branch only, and the diagnostic clears', async () => {
    const readme = vscode.Uri.file(join(root(), 'README.md'));
    // Code actions are asked of an open document, as the lightbulb does.
    await vscode.window.showTextDocument(readme);
    const [marked] = await diagnosticsOf(readme, id, (d) => d.length > 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', readme, marked!.range);
    const take = actions.find((a) => a.title === 'Baton: take coder\'s side (undo tester\'s change to README.md)')!;
    const cleared = diagnosticsOf(readme, id, (d) => d.length === 0);
    await vscode.commands.executeCommand(take.command!.command, ...(take.command!.arguments ?? []));
    await cleared;
    assert.match(git('log', '-1', '--format=%s', `baton/${id}/tester`), /^Take coder's side of README\.md$/);
    assert.equal(git('show', `baton/${id}/tester:README.md`), '# fixture');
    assert.equal(git('show', `baton/${id}/coder:README.md`), '# In English');
    assert.equal(readFileSync(join(root(), 'README.md'), 'utf8'), '# fixture\n', 'the user\'s working tree is untouched');
  });

  it('Approve from the changes editor\'s title bar resumes the workflow; the merged work shows the same way; a CodeLens approves the merge', async () => {
    const title = await vscode.commands.executeCommand<string>('baton.showChanges', { workflowId: id, agentId: 'coder' });
    const tab = await tabLabelled(title);
    assert.ok(tab.isActive);
    const asked = api.workflows().find((x) => x.id === id)?.approvals?.map((a) => a.approvalId) ?? [];
    assert.deepEqual(asked, ['t3-after-r1'], 'the workflow waits for the dependency approval');
    // What the title bar passes: the multi-file diff editor's own resource, which names no workflow;
    // the active changes editor does.
    await vscode.commands.executeCommand('baton.approve', vscode.Uri.parse('multi-diff-editor:1234'));
    // It went on: the work integrated, Baton asks whether to merge it into the user's branch.
    const merge = await until(api, id, (w) => w.status !== 'running' && !(w.approvals ?? []).some((a) => asked.includes(a.approvalId)));
    assert.deepEqual(merge.approvals?.map((a) => a.trigger), ['merge'], JSON.stringify(merge));
    // What the merge would land: every agent's work merged, shown the same way.
    const merged = await vscode.commands.executeCommand<string>('baton.showChanges', { workflowId: id, agentId: 'integration' });
    assert.equal((await tabLabelled(merged)).label, `integration's changes (${id}) (2 files)`);
    const head = git('rev-parse', `baton/${id}/coder`);
    // CodeLenses are asked of an open document, as the editor does.
    const coderReadme = await vscode.workspace.openTextDocument(refUri({ root: root(), ref: head, path: 'README.md', workflowId: id, owner: 'coder' }));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', coderReadme.uri);
    const approve = lenses.find((l) => l.command?.command === 'baton.approve')!;
    await vscode.commands.executeCommand(approve.command!.command, ...(approve.command!.arguments ?? []));
    const done = await until(api, id, (w) => ['completed', 'failed', 'cancelled'].includes(w.status));
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(readFileSync(join(root(), 'README.md'), 'utf8'), '# In English\n', 'approved and merged: coder\'s side of the conflict');
  });
});
