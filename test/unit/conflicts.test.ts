import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictWatcher, conflictId } from '../../src/core/git/conflictScan';
import { predictConflicts } from '../../src/core/git/conflicts';
import { intersects, parseDiffHunks, parseHunkHeader, touches } from '../../src/core/git/mergeTreeParse';
import { BatonError } from '../../src/core/errors';
import { EventBus } from '../../src/core/events/eventBus';
import type { BatonEvent } from '../../src/core/events/events';
import { git, makeRepo } from '../support/repoBuilder';

const lines = (n: number, edit: Record<number, string> = {}): string =>
  Array.from({ length: n }, (_, i) => edit[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';

/** Commits `files` on `branch` (created from `from` when new), then returns to main, as an agent's commit would land. */
function commitOn(repo: string, branch: string, files: Record<string, string>, from = 'main'): void {
  const exists = git(repo, 'branch', '--list', branch) !== '';
  git(repo, 'checkout', '--quiet', ...(exists ? [branch] : ['-b', branch, from]));
  for (const [path, content] of Object.entries(files)) writeFileSync(join(repo, path), content);
  git(repo, 'commit', '--quiet', '-am', `edit on ${branch}`);
  git(repo, 'checkout', '--quiet', 'main');
}

/** Everything a dry run must leave alone: the checkout, the index, HEAD, refs and worktrees. */
function repoState(repo: string): string {
  return [git(repo, 'status', '--porcelain', '--untracked-files=all'), git(repo, 'rev-parse', 'HEAD'), git(repo, 'for-each-ref'), git(repo, 'worktree', 'list', '--porcelain'), git(repo, 'stash', 'list')].join('\n--\n');
}

const A = 'baton/wf/coder';
const B = 'baton/wf/tester';

describe('conflict prediction', () => {
  it('finds a textual conflict with both sides\' lines in the base file\'s coordinates', async () => {
    const repo = makeRepo({ 'src/app.ts': lines(12), 'README.md': '# r\n' });
    commitOn(repo, A, { 'src/app.ts': lines(12, { 3: 'coder 3', 10: 'coder 10' }) });
    commitOn(repo, B, { 'src/app.ts': lines(12, { 3: 'tester 3', 4: 'tester 4' }) });
    const before = repoState(repo);

    const p = await predictConflicts(repo, A, B);

    assert.deepEqual(p.overlap, []);
    assert.deepEqual(p.textual, [
      {
        path: 'src/app.ts',
        // coder's separate change at line 10 merges fine, so it is not part of the conflict.
        ranges: [
          { startLine: 3, endLine: 3, branch: A },
          { startLine: 3, endLine: 4, branch: B },
        ],
      },
    ]);
    assert.equal(p.base, git(repo, 'rev-parse', 'main'));
    assert.equal(repoState(repo), before, 'no working tree, index, ref or worktree changed');
  });

  it('asks git about the commits it was given, whatever the branches point at by the time each call runs', async () => {
    const repo = makeRepo({ 'src/app.ts': lines(6) });
    commitOn(repo, A, { 'src/app.ts': lines(6, { 2: 'coder 2' }) });
    commitOn(repo, B, { 'src/app.ts': lines(6, { 5: 'tester 5' }) });
    const at = [git(repo, 'rev-parse', A), git(repo, 'rev-parse', B)] as const;
    // The tester commits again on the same line as the coder while the prediction of the heads read before runs.
    commitOn(repo, B, { 'src/app.ts': lines(6, { 2: 'tester 2', 5: 'tester 5' }) });
    const then = await predictConflicts(repo, A, B, undefined, { at });
    assert.deepEqual([then.textual, then.overlap], [[], []], 'the commits read together merge cleanly: no conflict, and no overlap made of two moments');
    const now = await predictConflicts(repo, A, B);
    assert.deepEqual(now.textual.map((f) => f.path), ['src/app.ts'], 'the branches as they are now do conflict');
  });

  it('reports the same edit made on both sides as an overlap, since git merges it cleanly', async () => {
    const repo = makeRepo({ 'a.txt': lines(8), 'b.txt': lines(8) });
    commitOn(repo, A, { 'a.txt': lines(8, { 3: 'same' }), 'b.txt': lines(8, { 1: 'coder' }) });
    commitOn(repo, B, { 'a.txt': lines(8, { 3: 'same', 7: 'tester 7' }), 'b.txt': lines(8, { 8: 'tester' }) });

    const p = await predictConflicts(repo, A, B);

    assert.deepEqual(p.textual, []);
    // b.txt is changed on both sides, but at lines 1 and 8: no shared line, nothing to report.
    assert.deepEqual(p.overlap, [{ path: 'a.txt', ranges: [{ startLine: 3, endLine: 3, branch: A }, { startLine: 3, endLine: 3, branch: B }] }]);
  });

  it('finds nothing between branches that change different files', async () => {
    const repo = makeRepo({ 'a.txt': lines(5), 'b.txt': lines(5) });
    commitOn(repo, A, { 'a.txt': lines(5, { 2: 'x' }) });
    commitOn(repo, B, { 'b.txt': lines(5, { 2: 'y' }) });
    assert.deepEqual(await predictConflicts(repo, A, B), { a: A, b: B, base: git(repo, 'rev-parse', 'main'), textual: [], overlap: [] });
  });

  it('says what to do when the two refs share no history', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    git(repo, 'checkout', '--quiet', '--orphan', 'other');
    git(repo, 'commit', '--quiet', '-m', 'unrelated');
    git(repo, 'checkout', '--quiet', 'main');
    await assert.rejects(predictConflicts(repo, 'main', 'other'), (e: unknown) => e instanceof BatonError && /share no history/.test(e.message) && /Create agent branches/.test(e.describe()));
  });
});

describe('conflict hunks', () => {
  it('reads -U0 hunk headers; a pure insertion is anchored on the line it follows', () => {
    assert.deepEqual(parseHunkHeader('@@ -3 +3 @@'), { start: 3, end: 3 });
    assert.deepEqual(parseHunkHeader('@@ -3,4 +3,0 @@ fn'), { start: 3, end: 6 });
    assert.deepEqual(parseHunkHeader('@@ -5,0 +6,2 @@'), { start: 5, end: 5, after: 5 });
    assert.deepEqual(parseHunkHeader('@@ -0,0 +1 @@'), { start: 1, end: 1, after: 0 });
  });

  it('counts an insertion as shared only inside a replaced block or at the same gap; adjacency only touches', () => {
    const ins = (after: number) => ({ start: Math.max(after, 1), end: Math.max(after, 1), after });
    assert.equal(intersects({ start: 3, end: 5 }, { start: 5, end: 9 }), true);
    assert.equal(intersects({ start: 3, end: 4 }, { start: 5, end: 9 }), false);
    assert.equal(touches({ start: 3, end: 4 }, { start: 5, end: 9 }), true);
    assert.equal(intersects(ins(3), { start: 3, end: 4 }), true, 'inserted between lines 3 and 4, both replaced');
    assert.equal(intersects(ins(4), { start: 3, end: 4 }), false, 'inserted after the replaced block');
    assert.equal(touches(ins(4), { start: 3, end: 4 }), true);
    assert.equal(intersects(ins(2), ins(2)), true);
    assert.equal(intersects(ins(2), ins(3)), false);
  });

  it('reads paths with spaces and quoted paths from diff headers', () => {
    const out = ['diff --git a/my file.ts b/my file.ts', '@@ -2 +2 @@', 'diff --git "a/tab\\there\\303\\251" "b/tab\\there\\303\\251"', '@@ -1,2 +1 @@'].join('\n');
    assert.deepEqual([...parseDiffHunks(out)], [
      ['my file.ts', [{ start: 2, end: 2 }]],
      ['tab\there\u00e9', [{ start: 1, end: 2 }]],
    ]);
  });
});

describe('ConflictWatcher', () => {
  const conflictEvents = (bus: EventBus): BatonEvent[] => {
    const seen: BatonEvent[] = [];
    bus.on('*', (e) => void (e.type.startsWith('conflict.') && seen.push(e)));
    return seen;
  };

  it('announces a conflict once, and announces it resolved when an agent undoes its clashing change', async () => {
    const repo = makeRepo({ 'src/app.ts': lines(6) });
    const C = 'baton/wf/docs';
    commitOn(repo, A, { 'src/app.ts': lines(6, { 2: 'coder' }) });
    commitOn(repo, B, { 'src/app.ts': lines(6, { 2: 'tester' }) });
    git(repo, 'branch', '--no-track', C, 'main');
    const bus = new EventBus();
    const seen = conflictEvents(bus);
    const watcher = new ConflictWatcher(repo, bus);
    const before = repoState(repo);

    const first = await watcher.scan('wf', [A, B, C]);
    const id = conflictId('textual', [A, B], 'src/app.ts');
    assert.deepEqual(first, { detected: [id], resolved: [], failed: [], dryRuns: 3 });
    assert.equal(seen.length, 1);
    const detected = seen[0];
    assert.ok(detected?.type === 'conflict.detected');
    assert.equal(detected.data.id, id);
    assert.equal(detected.data.kind, 'textual');
    assert.deepEqual(detected.data.branches, [A, B]);
    assert.deepEqual(detected.data.files, [{ path: 'src/app.ts', ranges: [{ startLine: 2, endLine: 2, branch: A }, { startLine: 2, endLine: 2, branch: B }] }]);
    assert.match(detected.data.description ?? '', /will conflict in src\/app\.ts/);

    assert.deepEqual(await watcher.scan('wf', [C, B, A]), { detected: [], resolved: [], failed: [], dryRuns: 0 }, 'nothing new, whatever the order, and no head moved: no dry run');
    assert.equal(seen.length, 1);
    assert.equal(repoState(repo), before, 'scanning touched nothing');

    commitOn(repo, B, { 'src/app.ts': lines(6) });
    assert.deepEqual(await watcher.scan('wf', [A, B, C]), { detected: [], resolved: [id], failed: [], dryRuns: 2 }, 'only the pairs with B are merged again');
    const resolved = seen[1];
    assert.ok(resolved?.type === 'conflict.resolved');
    assert.deepEqual({ id: resolved.data.id, how: resolved.data.how }, { id, how: 'obsolete' });
    assert.deepEqual(watcher.current('wf'), []);
  });

  it('compares each branch with new commits on the base branch once it moves', async () => {
    const repo = makeRepo({ 'src/app.ts': lines(6) });
    const since = git(repo, 'rev-parse', 'main');
    commitOn(repo, A, { 'src/app.ts': lines(6, { 4: 'coder' }) });
    const bus = new EventBus();
    const seen = conflictEvents(bus);
    const watcher = new ConflictWatcher(repo, bus);

    assert.deepEqual(await watcher.scan('wf', [A], { ref: 'main', since }), { detected: [], resolved: [], failed: [], dryRuns: 0 });

    writeFileSync(join(repo, 'src/app.ts'), lines(6, { 4: 'someone on main', 5: 'and 5' }));
    git(repo, 'commit', '--quiet', '-am', 'a user commit on main');
    const before = repoState(repo);
    const report = await watcher.scan('wf', [A], { ref: 'main', since });

    assert.deepEqual(report.detected, [conflictId('textual', [A, 'main'], 'src/app.ts')]);
    const detected = seen[0];
    assert.ok(detected?.type === 'conflict.detected');
    assert.deepEqual(detected.data.branches, [A, 'main']);
    assert.deepEqual(detected.data.files[0]?.ranges, [{ startLine: 4, endLine: 4, branch: A }, { startLine: 4, endLine: 5, branch: 'main' }]);
    assert.equal(repoState(repo), before, 'the user\'s checkout of main is untouched');
  });

  it('keeps a pair\'s conflicts when the pair cannot be compared, and reports the failure', async () => {
    const repo = makeRepo({ 'f.txt': lines(4) });
    commitOn(repo, A, { 'f.txt': lines(4, { 1: 'a' }) });
    commitOn(repo, B, { 'f.txt': lines(4, { 1: 'b' }) });
    const bus = new EventBus();
    const seen = conflictEvents(bus);
    const watcher = new ConflictWatcher(repo, bus);
    await watcher.scan('wf', [A, B]);
    git(repo, 'branch', '-D', B);

    const report = await watcher.scan('wf', [A, B]);

    assert.deepEqual(report.resolved, []);
    assert.equal(report.failed.length, 1);
    assert.deepEqual(report.failed[0]?.branches, [A, B]);
    assert.equal(seen.length, 1, 'no resolved event for a conflict nobody could check');
    assert.equal(watcher.current('wf').length, 1);
  });
});
