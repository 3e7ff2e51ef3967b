import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { makeEngine, scriptedTeam } from '../support/engineHarness';
import { git, makeRepo } from '../support/repoBuilder';

// The integrated result lands on the user's branch only after the 'merge' approval, only when the user's
// working tree allows it cleanly, and the workflow's worktrees and branches go when it ends.

const plan = {
  rationale: 'one change',
  tasks: [{ id: 't1', title: 'Change a', description: 'src/a.ts', capabilities: ['implement'], dependsOn: [], files: ['src/a.ts'], risks: [] }],
};
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 }] };
const team = () => scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'src/a.ts', content: 'export const a = 2;\n' } }] } });
const files = { 'src/a.ts': 'export const a = 1;\n', 'src/notes.md': 'notes\n' };
const refs = (repo: string, prefix: string) => git(repo, 'for-each-ref', '--format=%(refname)', prefix).split('\n').filter(Boolean);

describe('engine: merging the result into the user\'s branch', () => {
  let server: FakeOpenAI | undefined;
  afterEach(() => server?.close());

  it('asks first, then lands it keeping the user\'s uncommitted edits and untracked files, and cleans up', async () => {
    server = await startFakeOpenAI({ fallback: team() });
    const repo = makeRepo(files);
    const h = await makeEngine(repo, server, { mergeOnApproval: true, keepWorktrees: false });
    const id = await h.engine.start('change a');
    const first = await h.engine.run(id);
    assert.equal(first.status, 'waiting', JSON.stringify(first));
    assert.deepEqual(first.status === 'waiting' && first.approvals.map((p) => [p.approvalId, p.trigger, p.files]), [['merge', 'merge', ['src/a.ts']]]);
    assert.match(first.status === 'waiting' ? first.approvals[0]!.reason : '', new RegExp(`Merge the agents' work \\(baton/${id}/integration: coder; 1 file\\(s\\)\\) into your current branch\\?`));
    assert.equal(readFileSync(join(repo, 'src/a.ts'), 'utf8'), 'export const a = 1;\n', 'nothing lands before the approval');
    assert.equal(h.of('snapshot.created').at(-1)?.data.reason, 'before the end', 'a snapshot before the merge approval, as before any other');

    // Meanwhile the user works on other files.
    writeFileSync(join(repo, 'src/notes.md'), 'my unsaved notes\n');
    writeFileSync(join(repo, 'scratch.txt'), 'untracked\n');
    await h.engine.decide(id, 'merge', 'approve');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.equal(readFileSync(join(repo, 'src/a.ts'), 'utf8'), 'export const a = 2;\n');
    assert.equal(readFileSync(join(repo, 'src/notes.md'), 'utf8'), 'my unsaved notes\n');
    assert.equal(readFileSync(join(repo, 'scratch.txt'), 'utf8'), 'untracked\n');
    assert.equal(git(repo, 'status', '--porcelain'), 'M src/notes.md\n?? scratch.txt');
    assert.equal(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main');
    assert.equal(h.of('workflow.completed')[0]?.data.branch, 'main');
    assert.match(end.status === 'completed' ? end.summary : '', /Merged into main \(fast-forward/);

    // Cleaned up: no worktree, no branch, every head kept under refs/baton/trash/<id>/ended/.
    assert.deepEqual(refs(repo, `refs/heads/baton/${id}/`), []);
    assert.deepEqual(refs(repo, `refs/baton/trash/${id}/ended/`).sort(), [`refs/baton/trash/${id}/ended/coder`, `refs/baton/trash/${id}/ended/integration`]);
    assert.equal(git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
    assert.equal(existsSync(join(repo, '.git', 'baton', 'worktrees', id)), false);
    assert.equal(existsSync(join(repo, '.git', 'baton', 'integration', id)), false);
  });

  it('refuses to land over uncommitted changes to a file the merge changes, says what to do, and lands on resume', async () => {
    server = await startFakeOpenAI({ fallback: team() });
    const repo = makeRepo(files);
    const h = await makeEngine(repo, server, { mergeOnApproval: true, approvalMode: 'auto', keepWorktrees: false });
    writeFileSync(join(repo, 'src/a.ts'), 'export const a = 42; // mine\n');
    const id = await h.engine.start('change a');
    const blocked = await h.engine.run(id);
    assert.equal(blocked.status, 'paused', JSON.stringify(blocked));
    const detail = blocked.status === 'paused' && blocked.reason === 'merge' ? blocked.detail : '';
    assert.equal(detail, `You have uncommitted changes in src/a.ts, which the merge changes. Commit or stash them, then run baton resume ${id}.`);
    assert.deepEqual(h.of('workflow.paused').map((e) => e.data.reason), ['merge']);
    assert.equal((await h.engine.status(id)).status, 'paused');
    assert.equal(readFileSync(join(repo, 'src/a.ts'), 'utf8'), 'export const a = 42; // mine\n', 'the user\'s edit is untouched');
    assert.equal(git(repo, 'log', '--format=%s', 'main'), 'initial commit');
    assert.ok(refs(repo, `refs/heads/baton/${id}/`).includes(`refs/heads/baton/${id}/integration`), 'a paused workflow keeps its branches');

    git(repo, 'stash');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.equal(readFileSync(join(repo, 'src/a.ts'), 'utf8'), 'export const a = 2;\n');
    assert.match(git(repo, 'stash', 'list'), /stash@\{0\}/, 'the stashed edit is still there');
  });

  it('keeps the result on its branch when the merge is rejected, and removes the rest', async () => {
    server = await startFakeOpenAI({ fallback: team() });
    const repo = makeRepo(files);
    const h = await makeEngine(repo, server, { mergeOnApproval: true, approvalMode: 'never', keepWorktrees: false });
    const id = await h.engine.start('change a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.equal(readFileSync(join(repo, 'src/a.ts'), 'utf8'), 'export const a = 1;\n');
    assert.deepEqual(refs(repo, `refs/heads/baton/${id}/`), [`refs/heads/baton/${id}/integration`]);
    assert.equal(git(repo, 'show', `baton/${id}/integration:src/a.ts`), 'export const a = 2;');
    assert.match(end.status === 'completed' ? end.summary : '', new RegExp(`Not merged into your branch: the result stays on baton/${id}/integration`));
  });

  it('removes a cancelled workflow\'s worktrees and agent branches, keeping the heads under refs/baton/trash and the unmerged result', async () => {
    server = await startFakeOpenAI({ fallback: team() });
    const repo = makeRepo(files);
    const h = await makeEngine(repo, server, { mergeOnApproval: true, keepWorktrees: false });
    const id = await h.engine.start('change a');
    assert.equal((await h.engine.run(id)).status, 'waiting');
    const head = git(repo, 'rev-parse', `baton/${id}/coder`);
    await h.engine.cancelIdle(id);
    // Cancelled while the merge was waiting: the result did not land, so its branch stays.
    assert.deepEqual(refs(repo, `refs/heads/baton/${id}/`), [`refs/heads/baton/${id}/integration`]);
    assert.equal(git(repo, 'rev-parse', `refs/baton/trash/${id}/ended/coder`), head);
    assert.equal(existsSync(join(repo, '.git', 'baton', 'worktrees', id)), false);
  });

  it('keeps worktrees and branches when asked to', async () => {
    server = await startFakeOpenAI({ fallback: team() });
    const repo = makeRepo(files);
    const h = await makeEngine(repo, server, { mergeOnApproval: true, approvalMode: 'auto', keepWorktrees: true });
    const id = await h.engine.start('change a');
    assert.equal((await h.engine.run(id)).status, 'completed');
    assert.deepEqual(refs(repo, `refs/heads/baton/${id}/`).sort(), [`refs/heads/baton/${id}/coder`, `refs/heads/baton/${id}/integration`]);
    assert.ok(existsSync(join(repo, '.git', 'baton', 'worktrees', id, 'coder', 'src', 'a.ts')));
  });
});
