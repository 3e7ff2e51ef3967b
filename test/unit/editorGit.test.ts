import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { predictConflicts } from '../../src/core/git/conflicts';
import { changedFilesWithStatus, readFileAtRef, workflowHeads } from '../../src/core/git/refFiles';
import { takeSide } from '../../src/core/git/takeSide';
import { AgentWorkspaces } from '../../src/core/git/workspaces';
import { makeEngine, scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { coder, plan, routing, write } from '../support/conflictScenario';
import { git, makeRepo } from '../support/repoBuilder';

// What the editor asks of git: files at a commit, an agent's changes, and "take one agent's side".

async function twoAgents(files: Record<string, [string | null, string | null]>) {
  const repo = makeRepo({ 'a.txt': 'one\ntwo\nthree\n', 'keep.txt': 'keep\n' });
  const ws = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
  const base = await ws.headCommit();
  const coder = await ws.ensure('wf-1', 'coder', base);
  const tester = await ws.ensure('wf-1', 'tester', base);
  for (const [path, [c, t]] of Object.entries(files)) {
    if (c !== null) writeFileSync(join(coder.path, path), c);
    if (t !== null) writeFileSync(join(tester.path, path), t);
  }
  await ws.commit(coder, 's1', 'coder work', {});
  await ws.commit(tester, 's2', 'tester work', {});
  return { repo, ws, base };
}

describe('the editor\'s git: files at a ref and taking a side', () => {
  it('reads a file at a commit, says which files an agent changed and how, and finds the agents\' heads', async () => {
    const { repo, base } = await twoAgents({ 'a.txt': ['one\nTWO\nthree\n', null], 'new.txt': ['new\n', null] });
    const heads = await workflowHeads(repo, 'wf-1');
    assert.deepEqual([...heads.keys()].sort(), ['coder', 'tester']);
    const coderHead = heads.get('coder')!;
    assert.equal(await readFileAtRef(repo, coderHead, 'a.txt'), 'one\nTWO\nthree\n');
    assert.equal(await readFileAtRef(repo, base, 'new.txt'), undefined, 'a file missing at the ref reads as undefined');
    assert.deepEqual(await changedFilesWithStatus(repo, base, coderHead), [{ path: 'a.txt', status: 'modified' }, { path: 'new.txt', status: 'added' }]);
    await assert.rejects(readFileAtRef(repo, coderHead, '../etc/passwd'), /not a file path inside the repository/);
    await assert.rejects(readFileAtRef(repo, coderHead, '.git/config'), /not a file path inside the repository/);
    await assert.rejects(readFileAtRef(repo, 'HEAD~1; rm -rf /', 'a.txt'), /not a commit id/);
  });

  it('takes one agent\'s side: a commit on the other branch puts the file back to the merge base, and the conflict is gone', async () => {
    const { repo, ws, base } = await twoAgents({ 'a.txt': ['one\nTWO\nthree\n', 'one\ndeux\nthree\n'], 'keep.txt': [null, 'tester keeps this\n'] });
    writeFileSync(join(repo, 'a.txt'), 'the user\'s own edit\n');
    const userStatus = git(repo, 'status', '--porcelain');
    assert.equal((await predictConflicts(repo, 'baton/wf-1/coder', 'baton/wf-1/tester')).textual.length, 1);

    const r = await takeSide(ws, { workflowId: 'wf-1', baseCommit: base, path: 'a.txt', keep: 'coder', undo: 'tester' });
    assert.equal(r.branch, 'baton/wf-1/tester');
    assert.equal(r.base, base);
    assert.match(git(repo, 'log', '-1', '--format=%s', 'baton/wf-1/tester'), /Take coder's side of a\.txt/);
    assert.equal(git(repo, 'show', 'baton/wf-1/tester:a.txt'), 'one\ntwo\nthree');
    assert.equal(git(repo, 'show', 'baton/wf-1/tester:keep.txt'), 'tester keeps this', 'the other agent\'s other work stays');
    assert.equal((await predictConflicts(repo, 'baton/wf-1/coder', 'baton/wf-1/tester')).textual.length, 0);
    assert.equal(git(repo, 'status', '--porcelain'), userStatus, 'the user\'s working tree is untouched');
    assert.equal(git(repo, 'rev-parse', 'main'), base, 'and so is the user\'s branch');
    assert.equal((await takeSide(ws, { workflowId: 'wf-1', baseCommit: base, path: 'a.txt', keep: 'coder', undo: 'tester' })).sha, undefined, 'nothing left to undo');
  });

  it('removes a file the other agent added, and refuses paths and agents outside the workflow', async () => {
    const { repo, ws, base } = await twoAgents({ 'b.txt': ['coder b\n', 'tester b\n'] });
    await takeSide(ws, { workflowId: 'wf-1', baseCommit: base, path: 'b.txt', keep: 'tester', undo: 'coder' });
    assert.equal(git(repo, 'ls-tree', '--name-only', 'baton/wf-1/coder', 'b.txt'), '', 'b.txt was not in the base: it goes');
    assert.equal(git(repo, 'show', 'baton/wf-1/tester:b.txt'), 'tester b');
    await assert.rejects(takeSide(ws, { workflowId: 'wf-1', baseCommit: base, path: '../x', keep: 'tester', undo: 'coder' }), /not a file path/);
    await assert.rejects(takeSide(ws, { workflowId: 'wf-1', baseCommit: base, path: 'b.txt', keep: 'tester', undo: 'tester' }), /two different agents/);
    await assert.rejects(takeSide(ws, { workflowId: 'wf-1', baseCommit: base, path: 'b.txt', keep: 'tester', undo: 'nobody' }), /does not exist any more/);
  });

  describe('through the engine', () => {
    let server: FakeOpenAI | undefined;
    afterEach(() => server?.close());

    it('while a workflow waits for an approval, taking a side announces the conflict resolved', async () => {
      server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
        coder,
        tester: { work: () => write('a.txt', 'quarante-deux\n') },
      }) });
      const repo = makeRepo({ 'a.txt': '42\n' });
      const h = await makeEngine(repo, server);
      const id = await h.engine.start('answer twice');
      const outcome = await h.engine.run(id);
      assert.equal(outcome.status, 'waiting', JSON.stringify(outcome));
      await h.engine.conflictsSettled(id);
      const detected = h.of('conflict.detected').filter((e) => e.data.kind === 'textual');
      assert.ok(detected.length, 'a conflict was predicted');
      assert.deepEqual([...(await h.engine.agentHeads(id)).keys()].sort(), ['coder', 'tester']);
      const changes = await h.engine.changes(id, 'tester');
      assert.deepEqual(changes.files, [{ path: 'a.txt', status: 'modified' }]);

      // Not while a process runs the workflow: its agent may be editing the file in that worktree.
      await h.records.update(id, { runnerPid: process.ppid });
      await assert.rejects(h.engine.takeSide(id, 'a.txt', 'coder', 'tester'), /is running: tester may be changing a\.txt/);
      await h.records.update(id, { runnerPid: undefined });
      await h.engine.takeSide(id, 'a.txt', 'coder', 'tester');
      await h.engine.conflictsSettled(id);
      assert.ok(h.of('conflict.resolved').some((e) => e.data.id === detected[0]!.data.id), 'the conflict is announced resolved');
      assert.equal(git(repo, 'show', `baton/${id}/tester:a.txt`), '42');
    });
  });
});
