import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isGitSegment, resolveInside } from '../../src/core/agents/tools/confine';
import { editFileTool } from '../../src/core/agents/tools/editFile';
import { listFilesTool } from '../../src/core/agents/tools/listFiles';
import { readFileTool } from '../../src/core/agents/tools/readFile';
import { runTool } from '../../src/core/agents/tools/registry';
import { searchFilesTool } from '../../src/core/agents/tools/searchFiles';
import type { AgentTool, ToolContext, ToolEvent, ToolResult } from '../../src/core/agents/tools/toolTypes';
import { defaultToolLimits } from '../../src/core/agents/tools/toolTypes';
import { writeFileTool } from '../../src/core/agents/tools/writeFile';
import { makeRepo } from '../support/repoBuilder';

// DESIGN.md §2: a path that resolves outside the worktree (.., absolute, a symlink out, .git) is refused with a tool
// error and an event, and nothing is touched. "Nothing" is checked on the whole temp folder, repository included.

/** Every entry under `dir` with its content (files) or target (symlinks): any change shows up in a deepEqual. */
function snapshot(dir: string, base = dir, into = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const key = relative(base, path);
    const info = lstatSync(path);
    if (info.isSymbolicLink()) into.set(key, `link -> ${readlinkSync(path)}`);
    else if (info.isDirectory()) {
      into.set(key, 'folder');
      snapshot(path, base, into);
    } else into.set(key, `${info.mode.toString(8)} ${readFileSync(path, 'base64')}`);
  }
  return into;
}

describe('agent tools: confined to the working folder', () => {
  let parent: string;
  let root: string;
  let outside: string;
  let events: ToolEvent[];

  const ctx = (): ToolContext => ({ root, signal: new AbortController().signal, allowCommands: [], limits: defaultToolLimits, onEvent: (e) => events.push(e) });

  /** Runs the call and checks the promise of the design: refused, one event, and not a byte changed anywhere. */
  async function assertRefused(tool: AgentTool, args: { path?: string } & Record<string, unknown>, reason: RegExp): Promise<void> {
    const before = snapshot(parent);
    events = [];
    const result: ToolResult = await runTool(tool, args, ctx());
    assert.equal(result.ok, false, `${tool.name} ${JSON.stringify(args)} should be refused`);
    assert.equal(!result.ok && result.refused, true, `${tool.name} ${JSON.stringify(args)} failed but was not refused: ${!result.ok && result.error}`);
    assert.match(!result.ok ? result.error : '', reason);
    assert.deepEqual(events, [{ type: 'tool_refused', tool: tool.name, kind: 'path', reason: (events[0] as ToolEvent | undefined)?.reason, path: args.path ?? '.' }]);
    assert.deepEqual(snapshot(parent), before, `${tool.name} ${JSON.stringify(args)} changed files`);
  }

  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'baton-confine-'));
    root = makeRepo({ 'README.md': '# sample\n', 'src/a.ts': 'export const a = 1;\n', 'sub/.git/x': 'nested\n' }, parent);
    outside = join(parent, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'outside secret\n');
    events = [];
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  const escapes: ReadonlyArray<[string, RegExp]> = [
    ['../x', /outside your working folder/],
    ['../outside/secret.txt', /outside your working folder/],
    ['a/../../x', /outside your working folder/],
    ['/etc/passwd', /absolute path/],
    ['.git/config', /inside \.git/],
    ['.GIT/config', /inside \.git/],
    ['sub/.git/x', /inside \.git/],
    ['src/../.git/HEAD', /inside \.git/],
    ['.git', /inside \.git/],
    ['src/a.ts\0.png', /NUL byte/],
  ];

  for (const [path, reason] of escapes) {
    it(`refuses ${JSON.stringify(path)} for reading, writing and editing, touching nothing`, async () => {
      await assertRefused(readFileTool, { path }, reason);
      await assertRefused(writeFileTool, { path, content: 'pwned\n' }, reason);
      await assertRefused(editFileTool, { path, old: 'a', new: 'b' }, reason);
    });
  }

  it('refuses an absolute path even when it points inside the working folder', async () => {
    await assertRefused(writeFileTool, { path: join(root, 'src/a.ts'), content: 'x' }, /absolute path/);
    await assertRefused(writeFileTool, { path: join(parent, 'outside/new.txt'), content: 'x' }, /absolute path/);
  });

  it('refuses a symlink that points outside, for reading and for writing', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    await assertRefused(readFileTool, { path: 'link.txt' }, /symbolic link to outside/);
    await assertRefused(writeFileTool, { path: 'link.txt', content: 'overwritten\n' }, /symbolic link to outside/);
    await assertRefused(editFileTool, { path: 'link.txt', old: 'outside', new: 'inside' }, /symbolic link to outside/);
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'outside secret\n');
  });

  it('refuses writing through a symlinked folder that points outside', async () => {
    symlinkSync(outside, join(root, 'linkdir'));
    await assertRefused(writeFileTool, { path: 'linkdir/new.txt', content: 'x\n' }, /symbolic link to outside/);
    await assertRefused(writeFileTool, { path: 'linkdir/deeper/new.txt', content: 'x\n' }, /symbolic link to outside/);
    await assertRefused(listFilesTool, { path: 'linkdir' }, /symbolic link to outside/);
    assert.deepEqual(readdirSync(outside), ['secret.txt']);
  });

  it('refuses a dangling symlink, which a write would follow to create its target', async () => {
    symlinkSync(join(outside, 'created.txt'), join(root, 'dangling.txt'));
    await assertRefused(writeFileTool, { path: 'dangling.txt', content: 'x\n' }, /does not exist/);
    assert.deepEqual(readdirSync(outside), ['secret.txt']);
  });

  it('refuses a symlink inside the folder that leads into .git', async () => {
    symlinkSync(join(root, '.git'), join(root, 'cfg'));
    await assertRefused(readFileTool, { path: 'cfg/config' }, /inside \.git/);
    await assertRefused(writeFileTool, { path: 'cfg/hooks/pre-commit', content: '#!/bin/sh\n' }, /inside \.git/);
  });

  it('follows a symlink that stays inside, and reports the real path as changed', async () => {
    symlinkSync(join(root, 'src'), join(root, 'alias'));
    const read = await runTool(readFileTool, { path: 'alias/a.ts' }, ctx());
    assert.deepEqual(read, { ok: true, output: 'export const a = 1;\n' });
    const written = await runTool(writeFileTool, { path: 'alias/b.ts', content: 'b\n' }, ctx());
    assert.deepEqual(written.ok && written.changedFiles, ['src/b.ts']);
    assert.deepEqual(events, []);
  });

  it('never lists or searches what lies behind a symlink or inside .git', async () => {
    symlinkSync(outside, join(root, 'linkdir'));
    const listing = await runTool(listFilesTool, {}, ctx());
    assert.ok(listing.ok);
    assert.doesNotMatch(listing.output, /secret|\.git\/|HEAD/);
    assert.match(listing.output, /^linkdir \(symlink, not followed\)$/m);
    const search = await runTool(searchFilesTool, { pattern: 'secret|nested|repositoryformatversion' }, ctx());
    assert.deepEqual(search.ok && search.output.startsWith('No line matches'), true);
  });

  describe('resolveInside', () => {
    it('resolves a path inside to its real absolute and relative forms', async () => {
      assert.deepEqual(await resolveInside(root, 'src/./new/../a.ts'), { ok: true, absolute: join(realpathSync(root), 'src', 'a.ts'), relative: 'src/a.ts', missing: 0 });
      assert.deepEqual(await resolveInside(root, ''), { ok: true, absolute: realpathSync(root), relative: '.', missing: 0 });
    });

    it('says how many parts of the path do not exist yet (a new file, a new file in new folders)', async () => {
      assert.deepEqual(await resolveInside(root, 'src/b.ts'), { ok: true, absolute: join(realpathSync(root), 'src', 'b.ts'), relative: 'src/b.ts', missing: 1 });
      assert.deepEqual(await resolveInside(root, 'lib/deep/c.ts'), { ok: true, absolute: join(realpathSync(root), 'lib', 'deep', 'c.ts'), relative: 'lib/deep/c.ts', missing: 3 });
    });

    it('reports a working folder that is gone before judging the path', async () => {
      const gone = join(root, 'gone');
      for (const path of ['a.ts', '../outside.ts']) {
        const r = await resolveInside(gone, path);
        assert.ok(!r.ok && /no longer exists/.test(r.reason), JSON.stringify(r));
      }
    });

    it('judges .git on the path inside the folder, not on where the folder itself lives', async () => {
      const worktree = join(root, '.git', 'baton', 'worktrees', 'wf', 'agent');
      mkdirSync(worktree, { recursive: true });
      assert.equal((await resolveInside(worktree, 'src/x.ts')).ok, true);
      assert.equal((await resolveInside(worktree, '.git')).ok, false);
    });

    it('recognises the names a file system may treat as .git', () => {
      for (const name of ['.git', '.GIT', '.Git', '.git.', '.git ', 'GIT~1', '.g\u200cit']) assert.equal(isGitSegment(name), true, name);
      for (const name of ['.github', '.gitignore', 'git', '.gitkeep']) assert.equal(isGitSegment(name), false, name);
    });
  });
});
