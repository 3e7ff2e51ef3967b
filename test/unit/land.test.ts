import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatonError } from '../../src/core/errors';
import { landOnUserBranch, MergeBlocked } from '../../src/core/git/land';
import { git, makeRepo } from '../support/repoBuilder';

// Landing the integrated result on the user's branch, in the user's own working tree: only when it is clean.

/** A repository whose branch `result` changes src/a.ts, as an integration branch would. */
function repoWithResult(): { repo: string; head: string } {
  const repo = makeRepo({ 'src/a.ts': 'a1\n', 'src/b.ts': 'b1\n', 'notes.md': 'n1\n' });
  git(repo, 'switch', '--quiet', '-c', 'result');
  writeFileSync(join(repo, 'src/a.ts'), 'a2\n');
  git(repo, 'commit', '--quiet', '-am', 'agents change a');
  const head = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'switch', '--quiet', 'main');
  return { repo, head };
}

const land = (repo: string, head: string) => landOnUserBranch(repo, { head, branch: 'result', workflowId: 'wf-1', message: 'Merge Baton workflow wf-1' });

async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof MergeBlocked && e instanceof BatonError, String(e));
    return e.describe();
  }
  assert.fail('the merge should have been refused');
}

describe('landing the result on the user\'s branch', () => {
  it('makes a merge commit when the user\'s branch moved on, keeping the user\'s uncommitted edits elsewhere', async () => {
    const { repo, head } = repoWithResult();
    writeFileSync(join(repo, 'src/b.ts'), 'b2\n');
    git(repo, 'commit', '--quiet', '-am', 'user changes b');
    writeFileSync(join(repo, 'notes.md'), 'unsaved\n');
    const landed = await land(repo, head);
    assert.equal(landed.how, 'merge');
    assert.equal(landed.into, 'main');
    assert.equal(readFileSync(join(repo, 'src/a.ts'), 'utf8'), 'a2\n');
    assert.equal(readFileSync(join(repo, 'src/b.ts'), 'utf8'), 'b2\n');
    assert.equal(readFileSync(join(repo, 'notes.md'), 'utf8'), 'unsaved\n');
    assert.equal(git(repo, 'log', '-1', '--format=%s%n%P'), `Merge Baton workflow wf-1\n${landed.from} ${head}`);
    assert.equal((await land(repo, head)).how, 'up-to-date', 'landing twice changes nothing');
  });

  it('refuses when the user\'s new commits conflict with the result, and says how to merge it by hand', async () => {
    const { repo, head } = repoWithResult();
    writeFileSync(join(repo, 'src/a.ts'), 'a-user\n');
    git(repo, 'commit', '--quiet', '-am', 'user changes a');
    const before = git(repo, 'rev-parse', 'HEAD');
    assert.equal(await refused(land(repo, head)),
      'Your branch main has commits that conflict with the agents\' work (result) in src/a.ts. Merge it yourself (git merge result) and resolve the conflicts, then run baton resume wf-1; or leave it with baton cancel wf-1, which keeps the result on result.');
    assert.equal(git(repo, 'rev-parse', 'HEAD'), before);
    assert.equal(git(repo, 'status', '--porcelain'), '');
  });

  it('refuses to overwrite an untracked file the result adds', async () => {
    const { repo } = repoWithResult();
    git(repo, 'switch', '--quiet', 'result');
    writeFileSync(join(repo, 'src/new.ts'), 'agents\n');
    git(repo, 'add', 'src/new.ts');
    git(repo, 'commit', '--quiet', '-m', 'agents add new');
    const head = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'switch', '--quiet', 'main');
    writeFileSync(join(repo, 'src/new.ts'), 'the user\'s own\n');
    assert.match(await refused(land(repo, head)), /^You have untracked files src\/new.ts, which the merge would overwrite. Move, commit or delete them, then run baton resume wf-1.$/);
    assert.equal(readFileSync(join(repo, 'src/new.ts'), 'utf8'), 'the user\'s own\n');
  });

  it('refuses a merge commit over staged changes, but fast-forwards over them', async () => {
    const { repo, head } = repoWithResult();
    writeFileSync(join(repo, 'notes.md'), 'staged\n');
    git(repo, 'add', 'notes.md');
    assert.equal((await land(repo, head)).how, 'fast-forward');
    assert.equal(git(repo, 'diff', '--cached', '--name-only'), 'notes.md');

    const other = repoWithResult();
    writeFileSync(join(other.repo, 'src/b.ts'), 'b2\n');
    git(other.repo, 'commit', '--quiet', '-am', 'user changes b');
    writeFileSync(join(other.repo, 'notes.md'), 'staged\n');
    git(other.repo, 'add', 'notes.md');
    assert.match(await refused(land(other.repo, other.head)), /^You have staged changes in notes.md, and a merge commit would take them in\. Commit them or unstage them/);
  });

  it('refuses on a detached HEAD', async () => {
    const { repo, head } = repoWithResult();
    git(repo, 'switch', '--quiet', '--detach', 'main');
    assert.match(await refused(land(repo, head)), /^Your repository is on a detached HEAD, so there is no branch for the result of wf-1 to land on\. Check out the branch/);
  });
});
