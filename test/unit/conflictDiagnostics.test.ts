import assert from 'node:assert/strict';
import { conflictActions } from '../../src/server/codeActions';
import { ConflictBook, fileUri, toDiagnostics } from '../../src/server/diagnostics';
import type { FileConflict } from '../../src/protocol/lsp';

const root = 'file:///repo';
const conflict = (id: string, kind: FileConflict['kind'], path = 'src/a.ts'): FileConflict => ({
  id, kind, path, message: 'coder and tester both change this',
  sides: [
    { agentId: 'coder', branch: 'baton/wf/coder', range: { start: 3, end: 5 } },
    { agentId: 'tester', branch: 'baton/wf/tester', range: { start: 4, end: 4 } },
  ],
});

describe('conflict diagnostics (language server)', () => {
  it('marks each side at its lines, 1-based inclusive to LSP ranges, by severity of kind', () => {
    const [coder, tester] = toDiagnostics(conflict('c1', 'textual'));
    assert.deepEqual(coder?.range, { start: { line: 2, character: 0 }, end: { line: 5, character: 0 } });
    assert.deepEqual(tester?.range, { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } });
    assert.equal(coder?.severity, 1);
    assert.equal(toDiagnostics(conflict('c2', 'overlap'))[0]?.severity, 2);
    assert.equal(toDiagnostics(conflict('c3', 'semantic'))[0]?.severity, 3);
    assert.match(String(coder!.message), /\(coder on baton\/wf\/coder\)$/);
  });

  it('encodes paths into URIs under the root', () => {
    assert.equal(fileUri('file:///repo/', 'src/my file#1.ts'), 'file:///repo/src/my%20file%231.ts');
  });

  it('publishes new conflicts and clears files whose conflicts resolved', () => {
    const book = new ConflictBook();
    let out = book.update({ workflowId: 'wf', rootUri: root, conflicts: [conflict('c1', 'textual'), conflict('c2', 'overlap', 'src/b.ts')] });
    assert.equal(out.get(`${root}/src/a.ts`)?.length, 2);
    assert.equal(out.get(`${root}/src/b.ts`)?.length, 2);
    out = book.update({ workflowId: 'wf', rootUri: root, conflicts: [conflict('c2', 'overlap', 'src/b.ts')] });
    assert.deepEqual(out.get(`${root}/src/a.ts`), [], 'a.ts is cleared');
    assert.equal(out.get(`${root}/src/b.ts`)?.length, 2);
    out = book.update({ workflowId: 'wf', rootUri: root, conflicts: [] });
    assert.deepEqual([...out.entries()], [[`${root}/src/b.ts`, []]]);
  });

  it('keeps other workflows\' diagnostics on a shared file', () => {
    const book = new ConflictBook();
    book.update({ workflowId: 'one', rootUri: root, conflicts: [conflict('c1', 'textual')] });
    const out = book.update({ workflowId: 'two', rootUri: root, conflicts: [conflict('c9', 'overlap')] });
    assert.equal(out.get(`${root}/src/a.ts`)?.length, 4);
    const cleared = book.update({ workflowId: 'two', rootUri: root, conflicts: [] });
    assert.equal(cleared.get(`${root}/src/a.ts`)?.length, 2, 'workflow one\'s conflict stays');
  });

  it('offers quick fixes on a diagnostic: open the comparison, ask either agent to resolve, and take either agent\'s side', () => {
    const book = new ConflictBook();
    const published = book.update({ workflowId: 'wf', rootUri: root, conflicts: [conflict('c1', 'textual')] });
    const diagnostics = published.get(`${root}/src/a.ts`)!;
    const actions = conflictActions(book, { textDocument: { uri: `${root}/src/a.ts` }, range: diagnostics[0]!.range, context: { diagnostics } });
    assert.deepEqual(actions.map((a) => a.title), [
      'Baton: open the comparison of coder\'s and tester\'s a.ts',
      'Baton: ask coder to resolve (merge tester\'s branch into its own and fix a.ts)',
      'Baton: ask tester to resolve (merge coder\'s branch into its own and fix a.ts)',
      'Baton: take coder\'s side (undo tester\'s change to a.ts)',
      'Baton: take tester\'s side (undo coder\'s change to a.ts)',
    ]);
    assert.equal(actions[0]?.diagnostics?.length, 2, 'one action for both sides of the conflict');
    assert.deepEqual(actions[1]?.command?.arguments, [{ workflowId: 'wf', path: 'src/a.ts', agent: 'coder', other: 'tester' }]);
    assert.equal(actions[1]?.command?.command, 'baton.conflict.askToResolve');
    assert.deepEqual(actions[3]?.command?.arguments, [{ workflowId: 'wf', path: 'src/a.ts', keep: 'coder', undo: 'tester' }]);
    assert.equal(actions[3]?.command?.command, 'baton.conflict.takeSide');
    assert.ok(actions.every((a) => a.kind === 'quickfix'));
  });

  it('with the integration branch, asks only the agent to resolve: the integration is no agent', () => {
    const book = new ConflictBook();
    const withIntegration: FileConflict = { ...conflict('c4', 'textual'), sides: [
      { agentId: 'coder', branch: 'baton/wf/coder', range: { start: 3, end: 5 } },
      { agentId: 'integration', branch: 'baton/wf/integration', range: { start: 4, end: 4 } },
    ] };
    const diagnostics = book.update({ workflowId: 'wf', rootUri: root, conflicts: [withIntegration] }).get(`${root}/src/a.ts`)!;
    const actions = conflictActions(book, { textDocument: { uri: `${root}/src/a.ts` }, range: diagnostics[0]!.range, context: { diagnostics } });
    assert.deepEqual(actions.map((a) => a.title), [
      'Baton: open the comparison of coder\'s and integration\'s a.ts',
      'Baton: ask coder to resolve (merge the integration branch into its own and fix a.ts)',
    ]);
    assert.deepEqual(actions[1]?.command?.arguments, [{ workflowId: 'wf', path: 'src/a.ts', agent: 'coder', other: 'integration' }]);
  });

  it('offers no side to take in a semantic conflict (asking an agent to resolve it stays), and nothing for a conflict that cleared', () => {
    const book = new ConflictBook();
    const diagnostics = book.update({ workflowId: 'wf', rootUri: root, conflicts: [conflict('c3', 'semantic')] }).get(`${root}/src/a.ts`)!;
    const ask = () => conflictActions(book, { textDocument: { uri: `${root}/src/a.ts` }, range: diagnostics[0]!.range, context: { diagnostics } });
    assert.deepEqual(ask().map((a) => a.command?.command), ['baton.conflict.compare', 'baton.conflict.askToResolve', 'baton.conflict.askToResolve']);
    book.update({ workflowId: 'wf', rootUri: root, conflicts: [] });
    assert.deepEqual(ask(), []);
  });
});
