import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatonError } from '../../src/core/errors';
import { findRepository } from '../../src/core/git/repository';
import { AgentWorkspaces } from '../../src/core/git/workspaces';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { commitsOn, makeEngine, scriptedTeam } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { git, makeRepo } from '../support/repoBuilder';

// What a repository (or a person) can do to Baton's git layer, and what Baton says or does about it.

const task = (id: string, extra: Record<string, unknown> = {}) => ({ id, title: `Task ${id}`, description: `do ${id}`, capabilities: ['implement'], dependsOn: [], files: [], risks: [], ...extra });
const route = (...ids: string[]) => ({ assignments: ids.map((taskId) => ({ taskId, agentId: 'coder', rationale: 'coder fits', confidence: 0.9 })) });
const write = (path: string, content: string): AgentScript => ({ work: () => [{ name: 'write_file', args: { path, content } }] });

/** A folder holding a `git` that reports an old version and does nothing else. */
function oldGitOnPath(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-old-git-'));
  writeFileSync(join(dir, 'git'), `#!/bin/sh\necho "git version ${version}"\n`);
  chmodSync(join(dir, 'git'), 0o755);
  return dir;
}

async function withPath<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe('git layer: bad input', () => {
  let server: FakeOpenAI | undefined;
  afterEach(() => server?.close());

  it('refuses git older than 2.38, and no git at all, saying what to install', async () => {
    const repo = makeRepo();
    const old = oldGitOnPath('2.34.1');
    await assert.rejects(withPath(`${old}:/bin`, () => findRepository(repo)), (e: unknown) => {
      assert.ok(e instanceof BatonError);
      assert.match(e.message, /git version 2\.34\.1 is older than 2\.38/);
      assert.match(e.fix ?? '', /Install git 2\.38 or newer/);
      return true;
    });
    const empty = mkdtempSync(join(tmpdir(), 'baton-no-git-'));
    await assert.rejects(withPath(empty, () => findRepository(repo)), /git was not found on the PATH/);
    assert.deepEqual((await findRepository(repo)).root, git(repo, 'rev-parse', '--show-toplevel'));
  });

  it('will not start on a detached HEAD, and says to check out a branch; nothing is created', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam({ rationale: 'one', tasks: [task('t1')] }, route('t1'), { coder: write('a.ts', 'a\n') }) });
    const repo = makeRepo();
    git(repo, 'checkout', '--quiet', '--detach');
    const h = await makeEngine(repo, server);
    await assert.rejects(h.engine.start('do a'), (e: unknown) => {
      assert.ok(e instanceof BatonError);
      assert.match(e.message, /is on a detached HEAD \(at [0-9a-f]{7}\)/);
      assert.match(e.fix ?? '', /git switch -c/);
      return true;
    });
    assert.deepEqual(await h.engine.list(), []);
    assert.equal(git(repo, 'for-each-ref', 'refs/heads/baton/'), '');
  });

  it('makes a worktree deleted by hand again from its branch, with every commit, and the workflow goes on', async () => {
    // t1 changes package.json, which stops for approval; the worktree is deleted while it waits.
    const plan = { rationale: 'two steps', tasks: [task('t1', { files: ['package.json'] }), task('t2', { dependsOn: ['t1'] })] };
    let turn = 0;
    const coder: AgentScript = { work: () => (turn++ === 0 ? [{ name: 'write_file', args: { path: 'package.json', content: '{ "name": "x" }\n' } }] : [{ name: 'write_file', args: { path: 'b.ts', content: 'b\n' } }]) };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, route('t1', 't2'), { coder }) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('two steps');
    const first = await h.engine.run(id);
    assert.equal(first.status, 'waiting', JSON.stringify(first));
    const worktree = join(repo, '.git', 'baton', 'worktrees', id, 'coder');
    assert.ok(existsSync(join(worktree, 'package.json')));
    rmSync(worktree, { recursive: true, force: true });

    await h.engine.decide(id, first.status === 'waiting' ? first.approvals[0]!.approvalId : undefined, 'approve');
    const second = await h.engine.run(id);
    assert.equal(second.status, 'completed', JSON.stringify(second));
    assert.equal(commitsOn(repo, `baton/${id}/coder`).filter((s) => s !== 'initial commit').length, 2, 'both steps committed, none lost or repeated');
    assert.equal(readFileSync(join(worktree, 'package.json'), 'utf8'), '{ "name": "x" }\n', 'the first step came back from the branch');
    assert.equal(readFileSync(join(worktree, 'b.ts'), 'utf8'), 'b\n');
  });

  it('sets aside a worktree folder that lost its .git, instead of deleting it', async () => {
    const repo = makeRepo();
    const ws = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
    const base = git(repo, 'rev-parse', 'HEAD');
    const made = await ws.ensure('wf1', 'coder', base);
    writeFileSync(join(made.path, 'notes.txt'), 'unsaved\n');
    rmSync(join(made.path, '.git'));
    await ws.ensure('wf1', 'coder', base);
    assert.ok(existsSync(join(made.path, '.git')));
    const aside = readdirSync(join(repo, '.git', 'baton', 'worktrees', 'wf1')).filter((n) => n.startsWith('coder.orphaned-'));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(join(repo, '.git', 'baton', 'worktrees', 'wf1', aside[0]!, 'notes.txt'), 'utf8'), 'unsaved\n');
  });

  it('says where an agent branch is checked out when the user has it, and changes nothing', async () => {
    const repo = makeRepo();
    const base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '--quiet', '-b', 'baton/wf2/coder');
    git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'the user\'s own commit');
    const head = git(repo, 'rev-parse', 'HEAD');
    const ws = new AgentWorkspaces(repo, join(repo, '.git', 'baton'));
    await assert.rejects(ws.ensure('wf2', 'coder', base), (e: unknown) => {
      assert.ok(e instanceof BatonError);
      assert.match(e.message, /Branch baton\/wf2\/coder is checked out in .*, so the agent cannot have it in its own worktree/);
      assert.match(e.fix ?? '', /switch/);
      return true;
    });
    assert.equal(git(repo, 'rev-parse', 'HEAD'), head);
    assert.equal(git(repo, 'symbolic-ref', '--short', 'HEAD'), 'baton/wf2/coder');
  });
});
