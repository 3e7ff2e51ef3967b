import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mergeBranches } from '../../src/core/git/integration';
import { git, makeRepo } from '../support/repoBuilder';

// Integration merges happen in git's object store: no working tree, index or ref changes.

describe('mergeBranches (integration without a checkout)', () => {
  it('merges what merges, leaves out and names what conflicts, skips what has nothing new, and touches no working tree', async () => {
    const repo = makeRepo({ 'shared.txt': 'one\ntwo\nthree\n', 'README.md': '# x\n' });
    const base = git(repo, 'rev-parse', 'HEAD');
    const commitOn = (branch: string, path: string, content: string) => {
      git(repo, 'checkout', '--quiet', '-B', branch, base);
      git(repo, 'rm', '--quiet', '--cached', '--ignore-unmatch', path);
      writeFileSync(`${repo}/${path}`, content);
      git(repo, 'add', path);
      git(repo, 'commit', '--quiet', '-m', `${branch} changes ${path}`);
    };
    commitOn('baton/wf/a', 'a.txt', 'from a\n');
    commitOn('baton/wf/b', 'shared.txt', 'one\nTWO by b\nthree\n');
    commitOn('baton/wf/c', 'shared.txt', 'one\nTWO by c\nthree\n');
    git(repo, 'checkout', '--quiet', '-B', 'baton/wf/idle', base);
    git(repo, 'checkout', '--quiet', 'main');
    writeFileSync(`${repo}/README.md`, '# edited by the user, not committed\n');
    const status = git(repo, 'status', '--porcelain');

    const r = await mergeBranches(repo, base, ['baton/wf/c', 'baton/wf/idle', 'baton/wf/a', 'baton/wf/b']);
    assert.deepEqual(r.merged, ['baton/wf/a', 'baton/wf/b']);
    assert.deepEqual(r.refused, [{ branch: 'baton/wf/c', with: ['baton/wf/b'], files: ['shared.txt'] }]);
    assert.equal(git(repo, 'show', `${r.head}:a.txt`), 'from a');
    assert.equal(git(repo, 'show', `${r.head}:shared.txt`), 'one\nTWO by b\nthree');
    assert.deepEqual(git(repo, 'log', '--format=%s', '--first-parent', r.head).split('\n'), ['Integrate baton/wf/b', 'Integrate baton/wf/a', 'initial commit']);
    assert.equal(git(repo, 'status', '--porcelain'), status, 'the working tree and index are as they were');
    assert.equal(git(repo, 'rev-parse', 'main'), base);
  });

  it('skips a branch that is gone, and with no branch at all the head is the base', async () => {
    const repo = makeRepo({ 'README.md': '# x\n' });
    const base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '--quiet', '-b', 'baton/wf/a');
    writeFileSync(`${repo}/a.txt`, 'from a\n');
    git(repo, 'add', 'a.txt');
    git(repo, 'commit', '--quiet', '-m', 'a');
    git(repo, 'checkout', '--quiet', 'main');
    const r = await mergeBranches(repo, base, ['baton/wf/a', 'baton/wf/gone']);
    assert.deepEqual([r.merged, r.refused], [['baton/wf/a'], []]);
    assert.equal(git(repo, 'show', `${r.head}:a.txt`), 'from a');
    assert.deepEqual(await mergeBranches(repo, base, []), { head: base, merged: [], refused: [] });
  });

  it('skips a branch whose work a branch merged before it already holds, and merges one that builds on another', async () => {
    const repo = makeRepo({ 'README.md': '# x\n' });
    const base = git(repo, 'rev-parse', 'HEAD');
    const commit = (path: string) => {
      writeFileSync(`${repo}/${path}`, `${path}\n`);
      git(repo, 'add', path);
      git(repo, 'commit', '--quiet', '-m', path);
    };
    git(repo, 'checkout', '--quiet', '-b', 'baton/wf/b-inner');
    commit('inner.txt');
    git(repo, 'checkout', '--quiet', '-b', 'baton/wf/a-outer');
    commit('outer.txt');
    git(repo, 'checkout', '--quiet', '-b', 'baton/wf/c-alone', base);
    commit('alone.txt');
    git(repo, 'checkout', '--quiet', '-B', 'baton/wf/d-same', 'baton/wf/c-alone');
    git(repo, 'checkout', '--quiet', 'main');
    // a-outer holds b-inner's commit: merged first, b-inner has nothing new; d-same is c-alone's very commit.
    const r = await mergeBranches(repo, base, ['baton/wf/b-inner', 'baton/wf/a-outer', 'baton/wf/c-alone', 'baton/wf/d-same']);
    assert.deepEqual([r.merged, r.refused], [['baton/wf/a-outer', 'baton/wf/c-alone'], []]);
    assert.deepEqual(git(repo, 'ls-tree', '--name-only', r.head).split('\n'), ['README.md', 'alone.txt', 'inner.txt', 'outer.txt']);
    // The other way round: the inner branch first, then the one built on it.
    git(repo, 'branch', '--quiet', '-m', 'baton/wf/b-inner', 'baton/wf/0-inner');
    const again = await mergeBranches(repo, base, ['baton/wf/0-inner', 'baton/wf/a-outer']);
    assert.deepEqual(again.merged, ['baton/wf/0-inner', 'baton/wf/a-outer']);
    assert.deepEqual(git(repo, 'ls-tree', '--name-only', again.head).split('\n'), ['README.md', 'inner.txt', 'outer.txt']);
  });
});
