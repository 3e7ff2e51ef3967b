import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editFileTool } from '../../src/core/agents/tools/editFile';
import { finishTool } from '../../src/core/agents/tools/finish';
import { handoffTool } from '../../src/core/agents/tools/handoff';
import { listFilesTool } from '../../src/core/agents/tools/listFiles';
import { readFileTool } from '../../src/core/agents/tools/readFile';
import { allTools, findTool, runTool, toolsFor } from '../../src/core/agents/tools/registry';
import { searchFilesTool } from '../../src/core/agents/tools/searchFiles';
import type { AgentTool, ToolContext, ToolEvent, ToolLimits, ToolResult } from '../../src/core/agents/tools/toolTypes';
import { defaultToolLimits } from '../../src/core/agents/tools/toolTypes';
import { writeFileTool } from '../../src/core/agents/tools/writeFile';
import { git, makeRepo } from '../support/repoBuilder';

// The file tools as an agent uses them, through runTool, on a real git repository in a fresh temp folder.

describe('agent tools: files', () => {
  let parent: string;
  let root: string;
  let events: ToolEvent[];

  function ctx(limits: Partial<ToolLimits> = {}, signal = new AbortController().signal): ToolContext {
    return { root, signal, allowCommands: [], limits: { ...defaultToolLimits, ...limits }, onEvent: (e) => events.push(e) };
  }
  const call = (tool: AgentTool, args: unknown, context = ctx()): Promise<ToolResult> => runTool(tool, args, context);
  const output = (result: ToolResult): string => (result.ok ? result.output : assert.fail(`expected success, got: ${result.error}`));
  const error = (result: ToolResult): string => (result.ok ? assert.fail(`expected an error, got: ${result.output}`) : result.error);

  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'baton-tools-'));
    root = makeRepo({ 'README.md': '# sample\n', 'src/a.ts': 'export const a = 1;\nexport const b = 2;\n', 'src/util/b.ts': 'export function twice(n: number) {\n  return n * 2;\n}\n' }, parent);
    events = [];
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('abandons a tool call that does not answer within toolTimeoutMs, with an error the model can act on', async () => {
    // A tool stuck on a hung file system: its promise never settles.
    const stuck: AgentTool = { ...readFileTool, run: () => new Promise<ToolResult>(() => undefined) };
    const result = await call(stuck, { path: 'src/a.ts' }, ctx({ toolTimeoutMs: 30 }));
    assert.match(error(result), /^read_file did not finish within 30 ms and was abandoned: the file system may be slow or hung/);
  });

  describe('read_file', () => {
    it('returns the file exactly as stored', async () => {
      assert.equal(output(await call(readFileTool, { path: 'src/a.ts' })), 'export const a = 1;\nexport const b = 2;\n');
      assert.deepEqual(events, []);
    });

    it('cuts a large file at the read limit and says how much it showed', async () => {
      writeFileSync(join(root, 'big.txt'), 'x'.repeat(5000));
      const text = output(await call(readFileTool, { path: 'big.txt' }, ctx({ maxReadBytes: 100 })));
      assert.ok(text.startsWith('x'.repeat(100) + '\n'));
      assert.match(text, /first 100 of 5000 bytes/);
    });

    it('does not cut a multi-byte character in half', async () => {
      writeFileSync(join(root, 'accents.txt'), 'é'.repeat(10)); // 2 bytes each
      const text = output(await call(readFileTool, { path: 'accents.txt' }, ctx({ maxReadBytes: 5 })));
      assert.ok(text.startsWith('éé\n'), text);
    });

    it('declines binary files and folders, pointing to what to do instead', async () => {
      writeFileSync(join(root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
      assert.match(error(await call(readFileTool, { path: 'logo.png' })), /binary/);
      assert.match(error(await call(readFileTool, { path: 'src' })), /folder: use list_files/);
      assert.match(error(await call(readFileTool, { path: 'nope.ts' })), /does not exist: use list_files/);
    });
  });

  describe('write_file', () => {
    it('creates missing folders, writes the content and reports the changed file', async () => {
      const result = await call(writeFileTool, { path: 'src/new/deep/c.ts', content: 'export const c = 3;\n' });
      assert.deepEqual(result.ok && result.changedFiles, ['src/new/deep/c.ts']);
      assert.match(output(result), /Created src\/new\/deep\/c\.ts/);
      assert.equal(readFileSync(join(root, 'src/new/deep/c.ts'), 'utf8'), 'export const c = 3;\n');
      assert.match(git(root, 'status', '--porcelain'), /\?\? src\/new\//);
    });

    it('replaces a file whole, keeps it executable and leaves no temporary file behind', async () => {
      writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho old\n');
      chmodSync(join(root, 'run.sh'), 0o755);
      assert.match(output(await call(writeFileTool, { path: 'run.sh', content: '#!/bin/sh\necho new\n' })), /Replaced run\.sh/);
      assert.equal(readFileSync(join(root, 'run.sh'), 'utf8'), '#!/bin/sh\necho new\n');
      assert.equal(statSync(join(root, 'run.sh')).mode & 0o777, 0o755);
      assert.deepEqual(readdirSync(root).filter((name) => name.includes('baton')), []);
    });
  });

  describe('edit_file', () => {
    it('replaces the one occurrence, taking the new text literally', async () => {
      const result = await call(editFileTool, { path: 'src/a.ts', old: 'export const b = 2;', new: "export const b = '$&$1';" });
      assert.deepEqual(result.ok && result.changedFiles, ['src/a.ts']);
      assert.match(output(result), /line 2/);
      assert.equal(readFileSync(join(root, 'src/a.ts'), 'utf8'), "export const a = 1;\nexport const b = '$&$1';\n");
    });

    it('keeps an executable file executable', async () => {
      writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho old\n');
      chmodSync(join(root, 'run.sh'), 0o755);
      assert.match(output(await call(editFileTool, { path: 'run.sh', old: 'echo old', new: 'echo new' })), /Edited run\.sh/);
      assert.equal(statSync(join(root, 'run.sh')).mode & 0o777, 0o755);
    });

    it('changes nothing when old does not occur, and says so', async () => {
      const message = error(await call(editFileTool, { path: 'src/a.ts', old: 'export const z = 9;', new: 'x' }));
      assert.match(message, /does not occur .*\(0 times\)/);
      assert.match(message, /read_file/);
      assert.equal(readFileSync(join(root, 'src/a.ts'), 'utf8'), 'export const a = 1;\nexport const b = 2;\n');
    });

    it('changes nothing when old occurs twice, and asks for more context', async () => {
      const message = error(await call(editFileTool, { path: 'src/a.ts', old: 'export const', new: 'const' }));
      assert.match(message, /occurs 2 times/);
      assert.match(message, /more surrounding lines/);
      assert.equal(readFileSync(join(root, 'src/a.ts'), 'utf8'), 'export const a = 1;\nexport const b = 2;\n');
    });

    it('refuses an empty old text, which would match everywhere', async () => {
      assert.match(error(await call(editFileTool, { path: 'src/a.ts', old: '', new: 'x' })), /`old` is empty.*write_file/);
    });
  });

  describe('list_files', () => {
    it('lists recursively in a stable order, folders with a slash, without .git or node_modules contents', async () => {
      mkdirSync(join(root, 'node_modules/left-pad'), { recursive: true });
      writeFileSync(join(root, 'node_modules/left-pad/index.js'), '');
      writeFileSync(join(root, 'Zed.md'), '');
      assert.equal(
        output(await call(listFilesTool, {})),
        ['README.md', 'Zed.md', 'node_modules/ (contents not listed)', 'src/', 'src/a.ts', 'src/util/', 'src/util/b.ts'].join('\n'),
      );
    });

    it('lists a subfolder with paths relative to the working folder, ready for read_file', async () => {
      assert.equal(output(await call(listFilesTool, { path: 'src/util' })), 'src/util/b.ts');
      assert.match(error(await call(listFilesTool, { path: 'src/a.ts' })), /is a file.*read_file/);
    });
  });

  describe('search_files', () => {
    it('finds matching lines as path:line: text', async () => {
      assert.equal(
        output(await call(searchFilesTool, { pattern: 'export (const|function) \\w+' })),
        ['src/a.ts:1: export const a = 1;', 'src/a.ts:2: export const b = 2;', 'src/util/b.ts:1: export function twice(n: number) {'].join('\n'),
      );
    });

    it('narrows the search with a glob, by path or by file name at any depth', async () => {
      writeFileSync(join(root, 'src/util/notes.md'), 'export nothing\n');
      assert.equal(output(await call(searchFilesTool, { pattern: 'export', glob: '*.md' })), 'src/util/notes.md:1: export nothing');
      assert.equal(output(await call(searchFilesTool, { pattern: 'export', glob: 'src/util/**/*.ts' })), 'src/util/b.ts:1: export function twice(n: number) {');
      assert.match(output(await call(searchFilesTool, { pattern: 'export', glob: '*.py' })), /^No line matches/);
    });

    it('skips binary files, node_modules and .git', async () => {
      writeFileSync(join(root, 'data.bin'), Buffer.from('needle\0needle'));
      mkdirSync(join(root, 'node_modules/x'), { recursive: true });
      writeFileSync(join(root, 'node_modules/x/index.js'), 'needle');
      writeFileSync(join(root, 'hit.txt'), 'a needle here\n');
      git(root, 'config', 'user.needle', 'needle');
      assert.equal(output(await call(searchFilesTool, { pattern: 'needle' })), 'hit.txt:1: a needle here');
    });

    it('explains an invalid regular expression', async () => {
      assert.match(error(await call(searchFilesTool, { pattern: 'foo(' })), /not a valid JavaScript regular expression.*backslash/);
    });

    it('stops a pattern that backtracks forever instead of freezing the host', async () => {
      writeFileSync(join(root, 'evil.txt'), `${'a'.repeat(40)}!\n`);
      const message = error(await call(searchFilesTool, { pattern: '^(a+)+$' }, ctx({ commandTimeoutMs: 300 })));
      assert.match(message, /stopped after 0\.3 s: simplify the pattern/);
    });
  });

  describe('a worktree inside the main repository .git folder', () => {
    it('works there, and refuses the worktree own .git file', async () => {
      const worktree = join(root, '.git', 'baton', 'worktrees', 'wf1', 'coder');
      git(root, 'worktree', 'add', '--quiet', '-b', 'baton/wf1/coder', worktree);
      const inWorktree: ToolContext = { ...ctx(), root: worktree };
      assert.match(output(await call(readFileTool, { path: 'src/a.ts' }, inWorktree)), /export const a/);
      assert.match(output(await call(writeFileTool, { path: 'src/c.ts', content: 'c\n' }, inWorktree)), /Created src\/c\.ts/);
      assert.match(git(worktree, 'status', '--porcelain'), /\?\? src\/c\.ts/);
      const gitFile = readFileSync(join(worktree, '.git'), 'utf8');
      const refused = await call(writeFileTool, { path: '.git', content: 'gitdir: /tmp/elsewhere\n' }, inWorktree);
      assert.equal(!refused.ok && refused.refused, true);
      assert.equal(readFileSync(join(worktree, '.git'), 'utf8'), gitFile);
      assert.equal(events.length, 1);
    });
  });
});

describe('agent tools: registry and runTool', () => {
  const context = (signal = new AbortController().signal): ToolContext => ({ root: tmpdir(), signal, allowCommands: [], limits: defaultToolLimits });
  const error = (result: ToolResult): string => (result.ok ? assert.fail(`expected an error, got: ${result.output}`) : result.error);

  it('offers every tool of the public contract, each field described', () => {
    assert.deepEqual(allTools.map((tool) => tool.name), ['read_file', 'write_file', 'edit_file', 'list_files', 'search_files', 'run_command', 'handoff', 'finish']);
    for (const tool of allTools) {
      assert.ok(tool.description.length > 40, `${tool.name} needs a description the model can act on`);
      const shape = (tool.schema as unknown as { shape: Record<string, { description?: string }> }).shape;
      for (const [field, schema] of Object.entries(shape)) assert.ok(schema.description, `${tool.name}.${field} has no description`);
    }
  });

  it('picks tools by name in the usual order', () => {
    assert.deepEqual(toolsFor(['finish', 'read_file']).map((tool) => tool.name), ['read_file', 'finish']);
    assert.equal(findTool('edit_file'), editFileTool);
    assert.equal(findTool('rm_rf'), undefined);
  });

  it('answers malformed arguments with an error naming the field, not a throw', async () => {
    assert.match(error(await runTool(readFileTool, { path: 42 }, context())), /^read_file was called with invalid arguments \(path: .*expected string/);
    assert.match(error(await runTool(writeFileTool, { path: 'a.ts' }, context())), /content: .*expected string.*"path": \.\.\., "content": \.\.\./);
    assert.match(error(await runTool(finishTool, { summary: 'done', confidence: 1.5 }, context())), /confidence: /);
    assert.match(error(await runTool(handoffTool, { to: 'tester', intent: 'test', message: 'm', urgency: 'urgent' }, context())), /urgency: /);
    assert.match(error(await runTool(handoffTool, { to: 'The Tester', intent: 'test', message: 'm' }, context())), /to: must be the id of an agent/);
    assert.match(error(await runTool(readFileTool, '{"path": ', context())), /not valid JSON/);
  });

  it('accepts arguments sent as a JSON string', async () => {
    const result = await runTool(finishTool, '{"summary": "done", "confidence": 0.8}', context());
    assert.deepEqual(result, { ok: true, output: '{"summary":"done","confidence":0.8}' });
  });

  it('echoes handoff and finish as JSON for the engine to act on', async () => {
    const handoff = { to: 'tester', intent: 'write tests', message: 'parser is done', urgency: 'high', artifacts: ['src/parser.ts'] };
    const result = await runTool(handoffTool, handoff, context());
    assert.deepEqual(result.ok && JSON.parse(result.output), handoff);
  });

  it('does nothing once the agent is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    assert.deepEqual(await runTool(finishTool, { summary: 'done', confidence: 1 }, context(controller.signal)), { ok: false, error: 'cancelled' });
  });

  it('turns a crash inside a tool into an error without a stack trace or the absolute path', async () => {
    const ctx = context();
    const crashing: AgentTool = { ...finishTool, run: () => Promise.reject(new Error(`EBUSY: resource busy, open '${ctx.root}/x'`)) };
    const message = error(await runTool(crashing, { summary: 'done', confidence: 1 }, ctx));
    assert.equal(message, "finish failed unexpectedly: EBUSY: resource busy, open './x'. Try again, or another way.");
  });
});
