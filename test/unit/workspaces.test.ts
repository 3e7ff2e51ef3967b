import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentWorkspaces } from '../../src/core/git/workspaces';
import { git, makeRepo } from '../support/repoBuilder';

describe('agent workspaces (real git worktrees)', () => {
  it('gives each agent its own branch and worktree and never touches the user\'s tree, index or branch', async () => {
    const repo = makeRepo({ 'a.txt': 'one\n' });
    writeFileSync(join(repo, 'a.txt'), 'user edit, not committed\n');
    writeFileSync(join(repo, 'untracked.txt'), 'the user\'s\n');
    git(repo, 'add', 'a.txt');
    const statusBefore = git(repo, 'status', '--porcelain');
    const ws = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
    const base = await ws.headCommit();
    const coder = await ws.ensure('wf-1', 'coder', base);
    const tester = await ws.ensure('wf-1', 'tester', base);
    assert.notEqual(coder.path, tester.path);
    assert.equal(readFileSync(join(coder.path, 'a.txt'), 'utf8'), 'one\n', 'the worktree starts from the commit, not the user\'s edits');
    writeFileSync(join(coder.path, 'b.txt'), 'agent\n');
    const c = await ws.commit(coder, 'wf-1/t1/coder/r1', 'Add b', { 'Baton-Task': 't1' });
    assert.deepEqual(c?.files, ['b.txt']);
    assert.equal(git(repo, 'status', '--porcelain'), statusBefore);
    assert.equal(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main');
    assert.equal(git(repo, 'log', '--format=%s', '-1', 'baton/wf-1/coder'), 'Add b');
    assert.match(git(repo, 'log', '--format=%B', '-1', 'baton/wf-1/coder'), /Baton-Step: wf-1\/t1\/coder\/r1/);
  });

  it('commits a step once: a re-run of the same step finds its commit instead of making another', async () => {
    const repo = makeRepo();
    const ws = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
    const w = await ws.ensure('wf-2', 'coder', await ws.headCommit());
    writeFileSync(join(w.path, 'x.txt'), 'x\n');
    const first = await ws.commit(w, 'wf-2/t1/coder/r1', 'X', {});
    const again = await ws.commit(w, 'wf-2/t1/coder/r1', 'X', {});
    assert.equal(again?.sha, first?.sha);
    assert.equal(git(repo, 'rev-list', '--count', 'baton/wf-2/coder'), '2');
    assert.equal(await ws.commit(w, 'wf-2/t1/coder/r2', 'nothing', {}), undefined, 'nothing changed, no commit');
  });

  it('reverts a branch but keeps the abandoned head reachable under refs/baton/trash', async () => {
    const repo = makeRepo();
    const ws = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
    const base = await ws.headCommit();
    const w = await ws.ensure('wf-3', 'coder', base);
    writeFileSync(join(w.path, 'y.txt'), 'y\n');
    const c = await ws.commit(w, 's', 'Y', {});
    writeFileSync(join(w.path, 'dirty.txt'), 'uncommitted\n');
    await ws.revertTo(w, base, 'refs/baton/trash/wf-3/t1');
    assert.equal(await ws.headOf(w), base);
    assert.ok(!existsSync(join(w.path, 'dirty.txt')));
    assert.equal(git(repo, 'rev-parse', 'refs/baton/trash/wf-3/t1'), c?.sha);
  });

  it('merges upstream commits, and abandons a conflicting merge cleanly', async () => {
    const repo = makeRepo({ 'shared.txt': 'base\n' });
    const ws = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
    const base = await ws.headCommit();
    const a = await ws.ensure('wf-4', 'coder', base);
    const b = await ws.ensure('wf-4', 'tester', base);
    writeFileSync(join(a.path, 'new.txt'), 'from coder\n');
    const fromA = (await ws.commit(a, 'a1', 'A', {}))!.sha;
    assert.deepEqual(await ws.mergeUpstream(b, [fromA]), { merged: [fromA], conflicted: [] });
    assert.ok(existsSync(join(b.path, 'new.txt')));
    assert.equal(git(b.path, 'rev-list', '--count', 'HEAD'), '2', 'a fast-forward');
    assert.deepEqual((await ws.mergeUpstream(b, [fromA])).conflicted, [], 'merging it again changes nothing');
    assert.equal(git(b.path, 'rev-list', '--count', 'HEAD'), '2');
    writeFileSync(join(a.path, 'shared.txt'), 'coder\n');
    const clashA = (await ws.commit(a, 'a2', 'A2', {}))!.sha;
    writeFileSync(join(b.path, 'shared.txt'), 'tester\n');
    await ws.commit(b, 'b1', 'B', {});
    const result = await ws.mergeUpstream(b, [clashA]);
    assert.deepEqual(result.conflicted, [clashA]);
    assert.equal(git(b.path, 'status', '--porcelain'), '', 'no half-done merge is left behind');
    assert.equal(readFileSync(join(b.path, 'shared.txt'), 'utf8'), 'tester\n');
  });

  it('removes a workflow\'s worktrees and branches, keeps their heads, and a resumed workflow picks up from them', async () => {
    const repo = makeRepo({ 'a.txt': 'one\n' });
    const ws = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
    const base = await ws.headCommit();
    const coder = await ws.ensure('wf-1', 'coder', base);
    writeFileSync(join(coder.path, 'b.txt'), 'agent\n');
    const c = await ws.commit(coder, 'wf-1/t1/coder/r1', 'Add b', {});
    const integration = await ws.integrationWorkspace('wf-1', base);
    assert.deepEqual(await ws.branchesOf('wf-1'), ['baton/wf-1/coder'], 'the integration branch is not an agent\'s');
    assert.equal(integration.branch, 'baton/wf-1/integration');

    assert.deepEqual(await ws.removeWorkflow('wf-1', false), ['baton/wf-1/coder', 'baton/wf-1/integration']);
    assert.equal(existsSync(coder.path), false);
    assert.equal(existsSync(integration.path), false);
    assert.equal(git(repo, 'branch', '--list', 'baton/*'), '');
    assert.equal(git(repo, 'rev-parse', 'refs/baton/trash/wf-1/ended/coder'), c?.sha);
    assert.equal(git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);

    const again = await ws.ensure('wf-1', 'coder', base);
    assert.equal(await ws.headOf(again), c?.sha, 'the branch comes back where the agent left it, not at the base');
    assert.equal(readFileSync(join(again.path, 'b.txt'), 'utf8'), 'agent\n');
  });

  it('starts no automatic git maintenance from its commits, where a plain git commit would', async () => {
    const repo = makeRepo();
    // gc.auto=1 and three loose objects in objects/17: any `maintenance run --auto` would want a gc and
    // first runs the pre-auto-gc hook, which leaves a mark (and says no, so nothing is packed).
    git(repo, 'config', 'gc.auto', '1');
    const blobSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
    const loose: string[] = [];
    for (let i = 0; loose.length < 3; i++) if (blobSha(`loose ${i}\n`).startsWith('17')) loose.push(`loose ${i}\n`);
    loose.forEach((text, i) => writeFileSync(join(repo, `loose-${i}.txt`), text));
    git(repo, 'hash-object', '-w', ...loose.map((_, i) => `loose-${i}.txt`));
    const mark = join(repo, 'auto-gc-ran');
    mkdirSync(join(repo, '.git', 'hooks'), { recursive: true });
    writeFileSync(join(repo, '.git', 'hooks', 'pre-auto-gc'), `#!/bin/sh\ntouch '${mark}'\nexit 1\n`);
    chmodSync(join(repo, '.git', 'hooks', 'pre-auto-gc'), 0o755);
    const ws = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
    const w = await ws.ensure('wf-5', 'coder', await ws.headCommit());
    writeFileSync(join(w.path, 'x.txt'), 'x\n');
    assert.ok(await ws.commit(w, 'wf-5/t1/coder/r1', 'X', {}));
    assert.equal(existsSync(mark), false, 'Baton\'s commit ran automatic maintenance');
    writeFileSync(join(w.path, 'y.txt'), 'y\n');
    git(w.path, 'add', 'y.txt');
    git(w.path, '-c', 'user.name=u', '-c', 'user.email=u@example.invalid', 'commit', '--quiet', '-m', 'Y');
    assert.equal(existsSync(mark), true, 'the test\'s own commit should have asked for a gc');
  });
});
