import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editFileTool } from '../../src/core/agents/tools/editFile';
import { listFilesTool } from '../../src/core/agents/tools/listFiles';
import { readFileTool } from '../../src/core/agents/tools/readFile';
import { allTools, runTool } from '../../src/core/agents/tools/registry';
import { runCommandTool } from '../../src/core/agents/tools/runCommand';
import { argumentKey } from '../../src/core/agents/tools/toolArguments';
import type { ToolContext, ToolResult } from '../../src/core/agents/tools/toolTypes';
import { defaultToolLimits } from '../../src/core/agents/tools/toolTypes';
import { writeFileTool } from '../../src/core/agents/tools/writeFile';
import { makeRepo } from '../support/repoBuilder';

// Tool calls with the arguments misnamed, as models send them: an unambiguous alias is taken (and the model told
// the right name); anything else is refused with the names the tool takes, and nothing is written.

describe('agent tools: misnamed arguments', () => {
  let parent: string;
  let root: string;
  const ctx = (allowCommands: string[] = []): ToolContext => ({ root, signal: new AbortController().signal, allowCommands, limits: defaultToolLimits });
  const output = (r: ToolResult): string => (r.ok ? r.output : assert.fail(`expected success, got: ${r.error}`));
  const error = (r: ToolResult): string => (r.ok ? assert.fail(`expected an error, got: ${r.output}`) : r.error);
  const file = (path: string) => readFileSync(join(root, path), 'utf8');

  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'baton-args-'));
    root = makeRepo({ 'src/a.ts': 'export const a = 1;\n' }, parent);
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('takes file_path, filePath, filename and contents for path and content, and says so', async () => {
    const written = output(await runTool(writeFileTool, { file_path: 'src/b.ts', contents: 'b\n' }, ctx()));
    assert.equal(file('src/b.ts'), 'b\n');
    assert.match(written, /^Created src\/b\.ts \(2 bytes\)\.\n\[Note: "file_path" was taken as "path"; "contents" was taken as "content"\. write_file takes \{"path": \.\.\., "content": \.\.\.\}\]$/);
    assert.equal(output(await runTool(readFileTool, { filePath: 'src/b.ts' }, ctx())).split('\n')[0], 'b');
    assert.match(output(await runTool(readFileTool, { FileName: 'src/a.ts' }, ctx())), /^export const a = 1;/);
    assert.match(output(await runTool(listFilesTool, { directory: 'src' }, ctx())), /^src\/a\.ts\nsrc\/b\.ts/);
  });

  it('edits with old_string and new_string', async () => {
    output(await runTool(editFileTool, { path: 'src/a.ts', old_string: 'a = 1', new_string: 'a = 2' }, ctx()));
    assert.equal(file('src/a.ts'), 'export const a = 2;\n');
  });

  it('runs cmd as command', async () => {
    assert.match(output(await runTool(runCommandTool, { cmd: 'echo hi' }, ctx(['echo hi']))), /^hi\n\[exit code 0\]\n\[Note: "cmd" was taken as "command"/);
  });

  it('refuses a call whose names could be read two ways, and writes nothing', async () => {
    const both = error(await runTool(writeFileTool, { path: 'src/x.ts', file_path: 'src/y.ts', content: 'x' }, ctx()));
    assert.match(both, /^write_file got both "path" and "file_path" with different values, and both would be "path"; nothing was done\. Send only "path": \{"path": \.\.\., "content": \.\.\.\}$/);
    const twoAliases = error(await runTool(writeFileTool, { path: 'src/x.ts', text: 'x', contents: 'y' }, ctx()));
    assert.match(twoAliases, /both "text" and "contents"/);
    assert.ok(!existsSync(join(root, 'src/x.ts')) && !existsSync(join(root, 'src/y.ts')));
    // The same value under two names is one reading: taken.
    output(await runTool(writeFileTool, { path: 'src/z.ts', file_path: 'src/z.ts', content: 'z' }, ctx()));
    assert.equal(file('src/z.ts'), 'z');
  });

  it('a tool that writes refuses an argument it does not know rather than ignore it', async () => {
    const refused = error(await runTool(writeFileTool, { path: 'src/a.ts', content: 'more\n', append: true }, ctx()));
    assert.match(refused, /^write_file does not take "append", so nothing was done \(it would have been ignored\)\. Call it again with only \{"path": \.\.\., "content": \.\.\.\}$/);
    assert.equal(file('src/a.ts'), 'export const a = 1;\n', 'the file was not replaced');
    assert.match(error(await runTool(runCommandTool, { command: 'echo hi', cwd: 'src' }, ctx(['echo hi']))), /run_command does not take "cwd"/);
  });

  it('a read-only tool ignores an unknown argument and says so', async () => {
    const read = output(await runTool(readFileTool, { path: 'src/a.ts', encoding: 'utf-8' }, ctx()));
    assert.match(read, /\n\[Note: "encoding" is not an argument of read_file and was ignored\. read_file takes \{"path": \.\.\.\}\]$/);
  });

  it('a missing argument is named, and nothing is written', async () => {
    const missing = error(await runTool(writeFileTool, { file_path: 'src/c.ts' }, ctx()));
    assert.match(missing, /^write_file was called with invalid arguments \(content: .*\); nothing was done\. Call it again as \{"path": \.\.\., "content": \.\.\.\} \("file_path" was taken as "path"\)$/);
    assert.ok(!existsSync(join(root, 'src/c.ts')));
  });

  it('no alias of a tool is another of its arguments', () => {
    for (const tool of allTools) {
      const fields = Object.keys((tool.schema as unknown as { shape: Record<string, unknown> }).shape).map(argumentKey);
      const aliases = Object.values(tool.aliases ?? {}).flatMap((names) => (names ?? []).map(argumentKey));
      assert.deepEqual(aliases.filter((a) => fields.includes(a)), [], tool.name);
      assert.equal(new Set(aliases).size, aliases.length, `${tool.name}: an alias listed for two arguments`);
    }
  });
});
