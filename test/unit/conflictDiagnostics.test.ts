import assert from 'node:assert/strict';
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
});
