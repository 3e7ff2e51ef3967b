import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWithheldVariable } from '../../src/core/agents/tools/commandEnv';
import { runTool } from '../../src/core/agents/tools/registry';
import { runCommandTool } from '../../src/core/agents/tools/runCommand';
import type { ToolContext, ToolEvent, ToolLimits, ToolResult } from '../../src/core/agents/tools/toolTypes';
import { defaultToolLimits } from '../../src/core/agents/tools/toolTypes';
import { makeRepo } from '../support/repoBuilder';

// DESIGN.md §2: no command runs unless exactly allowed or approved. Commands here are `node -e` one-liners, so they
// behave the same wherever the tests run; "it never ran" is proved by the file the command would have created.

const printOne = 'node -e "console.log(1)"';
const createPwned = `node -e "require('fs').writeFileSync('pwned', 'x')"`;
// Writes its pid and its child's to `pids` (whole, by rename), then waits far longer than any test: only a kill ends it.
const hang =
  `node -e "const fs = require('fs'); const c = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'inherit' }); ` +
  `fs.writeFileSync('pids.tmp', process.pid + ' ' + c.pid); fs.renameSync('pids.tmp', 'pids'); setTimeout(() => {}, 600000)"`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead but not yet reaped by its new parent.
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/\) [ZX] /.test(stat);
}

/** Calls `then` once `name` appears in `dir`: the command reached that point, with no polling and no sleep. */
function whenCreated(dir: string, name: string, then: () => void): { close(): void } {
  const watcher = watch(dir, (_event, file) => {
    if (file === name && existsSync(join(dir, name))) {
      watcher.close();
      then();
    }
  });
  return watcher;
}

describe('agent tools: run_command', () => {
  let parent: string;
  let root: string;
  let events: ToolEvent[];

  function ctx(options: Partial<Omit<ToolContext, 'limits'>> & { limits?: Partial<ToolLimits> } = {}): ToolContext {
    const { limits, ...rest } = options;
    return { root, signal: new AbortController().signal, allowCommands: [], onEvent: (e) => events.push(e), ...rest, limits: { ...defaultToolLimits, ...limits } };
  }
  const run = (command: string, context: ToolContext): Promise<ToolResult> => runTool(runCommandTool, { command }, context);
  const output = (result: ToolResult): string => (result.ok ? result.output : assert.fail(`expected success, got: ${result.error}`));
  const error = (result: ToolResult): string => (result.ok ? assert.fail(`expected an error, got: ${result.output}`) : result.error);

  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'baton-command-'));
    root = makeRepo({ 'README.md': '# sample\n' }, parent);
    events = [];
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('runs an allowed command, matched exactly, in the working folder', async () => {
    assert.equal(output(await run(printOne, ctx({ allowCommands: [printOne] }))), '1\n[exit code 0]');
    const pwd = 'node -e "console.log(process.cwd())"';
    assert.equal(output(await run(pwd, ctx({ allowCommands: [pwd] }))), `${realpathSync(root)}\n[exit code 0]`);
    assert.deepEqual(events, []);
  });

  it('refuses a command that is not allowed when no one can approve it, and never runs it', async () => {
    const result = await run(createPwned, ctx({ allowCommands: [printOne] }));
    assert.equal(!result.ok && result.refused, true);
    assert.match(error(result), /not an allowed command \(allowed: "node -e \\"console.log\(1\)\\""\)/);
    assert.equal(existsSync(join(root, 'pwned')), false);
    assert.deepEqual(events.map((e) => [e.type, e.kind, e.command]), [['tool_refused', 'command', createPwned]]);
  });

  it('does not let an allowed command smuggle another one in', async () => {
    const smuggled = `${printOne}; ${createPwned}`;
    assert.equal((await run(smuggled, ctx({ allowCommands: [printOne] }))).ok, false);
    assert.equal(existsSync(join(root, 'pwned')), false);
  });

  it('runs a command a person approves, and refuses one they decline', async () => {
    const asked: string[] = [];
    const declined = await run(createPwned, ctx({ approveCommand: async (command) => (asked.push(command), false) }));
    assert.equal(!declined.ok && declined.refused, true);
    assert.match(error(declined), /declined/);
    assert.equal(existsSync(join(root, 'pwned')), false);
    assert.equal(events.length, 1);

    const approved = await run(createPwned, ctx({ approveCommand: async (command) => (asked.push(command), true) }));
    assert.equal(output(approved), '(no output)\n[exit code 0]');
    assert.equal(existsSync(join(root, 'pwned')), true);
    assert.deepEqual(asked, [createPwned, createPwned]);
  });

  it('stops waiting for approval when the agent is cancelled, and runs nothing', async () => {
    const controller = new AbortController();
    const result = await run(createPwned, ctx({ signal: controller.signal, approveCommand: () => (controller.abort(), new Promise<boolean>(() => {})) }));
    assert.equal(error(result), 'cancelled');
    assert.equal(existsSync(join(root, 'pwned')), false);
  });

  it('reports a failing command with its exit code and output', async () => {
    const failing = 'node -e "console.error(\'boom\'); process.exit(3)"';
    assert.match(error(await run(failing, ctx({ allowCommands: [failing] }))), /exited with code 3:\nboom/);
  });

  it('keeps the end of long output, where the error usually is', async () => {
    const noisy = 'node -e "for (let i = 0; i < 5000; i++) console.log(\'line \' + i)"';
    const text = output(await run(noisy, ctx({ allowCommands: [noisy], limits: { maxOutputBytes: 200 } })));
    assert.match(text, /^\[output cut: the last \d+ of \d+ bytes\]/);
    assert.match(text, /line 4999\n\[exit code 0\]$/);
    assert.doesNotMatch(text, /line 0\n/);
  });

  it('stops a command at the time limit, with its whole process group', async () => {
    const result = await run(hang, ctx({ allowCommands: [hang], limits: { commandTimeoutMs: 3000 } }));
    assert.match(error(result), /did not finish within 3 s \(the command time limit\) and was stopped/);
    const pids = readFileSync(join(root, 'pids'), 'utf8').split(' ').map(Number);
    assert.equal(pids.length, 2);
    for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} survived the timeout`);
  });

  it('stops a running command when the agent is cancelled', async () => {
    const controller = new AbortController();
    const watcher = whenCreated(root, 'pids', () => controller.abort());
    const result = await run(hang, ctx({ allowCommands: [hang], signal: controller.signal })).finally(() => watcher.close());
    assert.match(error(result), /^cancelled/);
    for (const pid of readFileSync(join(root, 'pids'), 'utf8').split(' ').map(Number)) assert.equal(isAlive(pid), false, `process ${pid} survived`);
  });

  describe('environment', () => {
    const planted = { BATON_API_KEY: 'sk-baton-planted-1234567890', OPENAI_API_KEY: 'sk-openai-planted-123', GITHUB_TOKEN: 'ghp-planted', AWS_SECRET_ACCESS_KEY: 'aws-planted', PGPASSWORD: 'pg-planted', BATON_PLAIN_SETTING: 'visible' };
    beforeEach(() => Object.assign(process.env, planted));
    afterEach(() => {
      for (const name of Object.keys(planted)) delete process.env[name];
    });

    it('gives commands no API keys, tokens or passwords', async () => {
      const printEnv = 'node -e "console.log(JSON.stringify(process.env))"';
      const text = output(await run(printEnv, ctx({ allowCommands: [printEnv] })));
      const env = JSON.parse(text.slice(0, text.lastIndexOf('\n[exit code'))) as Record<string, string>;
      assert.equal(env.BATON_PLAIN_SETTING, 'visible');
      assert.ok(env.PATH);
      for (const name of ['BATON_API_KEY', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'PGPASSWORD']) assert.equal(env[name], undefined, name);
      assert.doesNotMatch(text, /planted/);
    });

    it('withholds variables by their names', () => {
      for (const name of ['NPM_TOKEN', 'ANTHROPIC_API_KEY', 'my_apikey', 'DB_PASSWORD', 'CLIENT_SECRET', 'SSH_AUTH_SOCK', 'GIT_ASKPASS']) assert.equal(isWithheldVariable(name), true, name);
      for (const name of ['PATH', 'HOME', 'NODE_OPTIONS', 'BATON_MODEL', 'LANG']) assert.equal(isWithheldVariable(name), false, name);
    });
  });
});
