import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEngine, scriptedTeam } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { git, makeRepo } from '../support/repoBuilder';

// Baton's git runs no program a repository or an agent chose (docs/decisions/0024): no hook, wherever it is, and
// no filter, merge or diff driver that .gitattributes selects. Every program here leaves a marker file outside the
// repository; after a whole workflow, the merge into the user's branch included, there is none. Each test then runs
// the user's own git once, to show the programs were live all along.

const hookNames = ['pre-commit', 'post-commit', 'reference-transaction', 'post-merge', 'post-checkout'];
const hook = (markers: string, name: string) => `#!/bin/sh\ntouch '${markers}/${name}'\n`;
const task = (id: string, capability = 'implement') => ({ id, title: `Task ${id}`, description: `do ${id}`, capabilities: [capability], dependsOn: [], files: [`${id}.txt`], risks: [] });
const toCoder = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'codes', confidence: 1 }] };
const write = (files: Record<string, string>): AgentScript => ({ work: () => Object.entries(files).map(([path, content]) => ({ name: 'write_file', args: { path, content } })) });

async function runToTheEnd(repo: string, server: FakeOpenAI): Promise<void> {
  const h = await makeEngine(repo, server, { mergeOnApproval: true, keepWorktrees: false, approvalMode: 'auto' });
  const id = await h.engine.start('change things');
  const end = await h.engine.run(id);
  assert.equal(end.status, 'completed', JSON.stringify(end));
  assert.match(end.status === 'completed' ? end.summary : '', /Merged into main/);
}

function markersDir(): string {
  return mkdtempSync(join(tmpdir(), 'baton-markers-'));
}

describe('Baton\'s git runs no repository code', () => {
  let server: FakeOpenAI | undefined;
  afterEach(() => server?.close());

  it('runs none of the hooks an agent edits under a relative core.hooksPath, in its worktree or at the merge into the user\'s branch', async () => {
    const markers = markersDir();
    // As husky (up to v8) sets it up: the hooks are files of the repository, executable, and the config points at them.
    const repo = makeRepo(Object.fromEntries([['README.md', '# sample\n'], ...hookNames.map((n) => [`.githooks/${n}`, hook(markers, `repo-${n}`)])]));
    for (const n of hookNames) chmodSync(join(repo, '.githooks', n), 0o755);
    git(repo, 'add', '--chmod=+x', '.githooks');
    git(repo, 'commit', '--quiet', '-m', 'hooks are executable');
    git(repo, 'config', 'core.hooksPath', '.githooks');
    const edits = Object.fromEntries(hookNames.map((n) => [`.githooks/${n}`, hook(markers, `agent-${n}`)]));
    server = await startFakeOpenAI({ fallback: scriptedTeam({ rationale: 'one', tasks: [task('t1')] }, toCoder, { coder: write({ ...edits, 't1.txt': 'one\n' }) }) });

    await runToTheEnd(repo, server);

    assert.deepEqual(readdirSync(markers), [], 'no hook ran');
    assert.equal(readFileSync(join(repo, '.githooks', 'post-commit'), 'utf8'), hook(markers, 'agent-post-commit'), 'the agent\'s hooks landed on main');
    git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'the user\'s own commit');
    assert.ok(readdirSync(markers).includes('agent-post-commit'), 'the user\'s own git runs the same hooks');
  });

  it('runs none of the hooks in the main repository\'s .git/hooks', async () => {
    const markers = markersDir();
    const repo = makeRepo({ 'README.md': '# sample\n' });
    for (const n of hookNames) {
      writeFileSync(join(repo, '.git', 'hooks', n), hook(markers, n));
      chmodSync(join(repo, '.git', 'hooks', n), 0o755);
    }
    server = await startFakeOpenAI({ fallback: scriptedTeam({ rationale: 'one', tasks: [task('t1')] }, toCoder, { coder: write({ 't1.txt': 'one\n' }) }) });

    await runToTheEnd(repo, server);

    assert.deepEqual(readdirSync(markers), [], 'no hook ran');
    git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'the user\'s own commit');
    assert.ok(readdirSync(markers).includes('post-commit'), 'the user\'s own git runs them');
  });

  it('runs no filter, merge or diff driver of the config that an agent\'s .gitattributes selects', async () => {
    const markers = markersDir();
    const repo = makeRepo({ 'README.md': '# sample\n', 'shared.txt': 'top\n\n\n\n\n\nbottom\n' });
    const mark = (name: string, rest: string) => `sh -c 'touch ${markers}/${name}; ${rest}'`;
    git(repo, 'config', 'filter.mark.clean', mark('clean', 'cat'));
    git(repo, 'config', 'filter.mark.smudge', mark('smudge', 'cat'));
    git(repo, 'config', 'filter.mark.required', 'true');
    git(repo, 'config', 'merge.mark.driver', mark('merge', 'exit 1'));
    git(repo, 'config', 'diff.mark.textconv', `sh -c 'touch ${markers}/textconv; cat "$0"'`);
    git(repo, 'config', 'diff.mark.command', mark('diff', 'true'));
    const attributes = '* filter=mark merge=mark diff=mark\n';
    // Two agents change the same file in different places; the coder's next task builds on the documenter's, so the
    // coder's worktree, where its .gitattributes is checked out, merges that change.
    const plan = { rationale: 'three', tasks: [task('t1'), task('t2', 'docs'), { ...task('t3'), dependsOn: ['t2'] }] };
    const routing = { assignments: [['t1', 'coder'], ['t2', 'documenter'], ['t3', 'coder']].map(([taskId, agentId]) => ({ taskId, agentId, rationale: 'fits', confidence: 1 })) };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: (taskId) => (taskId === 't1' ? write({ '.gitattributes': attributes, 'shared.txt': 'top changed\n\n\n\n\n\nbottom\n', 't1.txt': 'one\n' }) : write({ 't3.txt': 'three\n' })).work(taskId, 1, '') },
      documenter: write({ 'shared.txt': 'top\n\n\n\n\n\nbottom changed\n', 't2.txt': 'two\n' }),
    }) });

    await runToTheEnd(repo, server);

    assert.deepEqual(readdirSync(markers), [], 'no driver ran');
    assert.equal(readFileSync(join(repo, 'shared.txt'), 'utf8'), 'top changed\n\n\n\n\n\nbottom changed\n', 'merged as git merges text');
    git(repo, 'add', '--renormalize', '.');
    assert.ok(readdirSync(markers).includes('clean'), 'the user\'s own git runs the filter');
  });
});
