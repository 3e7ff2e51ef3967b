import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandEnv, looksLikeKey } from '../../src/core/agents/tools/commandEnv';
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
// Those are pids of the sandbox's PID namespace; `marker` finds the same processes from outside (hostPids).
const hangWith = (marker: string) =>
  `node -e "const fs = require('fs'); const c = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000) /* ${marker} */'], { stdio: 'inherit' }); ` +
  `fs.writeFileSync('pids.tmp', process.pid + ' ' + c.pid); fs.renameSync('pids.tmp', 'pids'); setTimeout(() => {}, 600000) /* ${marker} */"`;

/** The host's pids of every process whose command line has `marker`: bwrap, the shell and both node processes. */
function hostPids(marker: string): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false; // gone meanwhile
    }
  }).map(Number);
}

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

  it('stops a command at the time limit, with every process of its sandbox', async () => {
    const marker = randomUUID();
    const hang = hangWith(marker);
    let running: number[] = [];
    const watcher = whenCreated(root, 'pids', () => (running = hostPids(marker)));
    const result = await run(hang, ctx({ allowCommands: [hang], limits: { commandTimeoutMs: 3000 } })).finally(() => watcher.close());
    assert.match(error(result), /did not finish within 3 s \(the command time limit\) and was stopped/);
    assert.equal(readFileSync(join(root, 'pids'), 'utf8').split(' ').length, 2);
    assert.ok(running.length >= 3, `expected bwrap and both node processes running, found ${running.length}`);
    for (const pid of running) assert.equal(isAlive(pid), false, `process ${pid} survived the timeout`);
  });

  it('stops a running command when the agent is cancelled', async () => {
    const marker = randomUUID();
    const hang = hangWith(marker);
    const controller = new AbortController();
    let running: number[] = [];
    const watcher = whenCreated(root, 'pids', () => ((running = hostPids(marker)), controller.abort()));
    const result = await run(hang, ctx({ allowCommands: [hang], signal: controller.signal })).finally(() => watcher.close());
    assert.match(error(result), /^cancelled/);
    assert.ok(running.length >= 3, `expected bwrap and both node processes running, found ${running.length}`);
    for (const pid of running) assert.equal(isAlive(pid), false, `process ${pid} survived`);
  });

  describe('environment', () => {
    const planted = {
      BATON_API_KEY: 'sk-baton-planted-1234567890', OPENAI_API_KEY: 'sk-openai-planted-123', AZURE_OPENAI_KEY: 'planted0azure0key0with0no0prefix00',
      GITHUB_TOKEN: 'ghp-planted', AWS_SECRET_ACCESS_KEY: 'aws-planted', PGPASSWORD: 'pg-planted', BATON_PLAIN_SETTING: 'planted-plain',
      MY_TOOL_HOME: '/opt/my-tool', MY_TOOL_KEY: 'sk-live-planted-000000000000000000', LANG: 'C.UTF-8', LC_TIME: 'C',
    };
    const saved: Record<string, string | undefined> = {};
    beforeEach(() => {
      for (const name of Object.keys(planted)) saved[name] = process.env[name];
      Object.assign(process.env, planted);
    });
    afterEach(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('gives commands only the allow-listed variables and the names the user added, never a key', async () => {
      const printEnv = 'node -e "console.log(JSON.stringify(process.env))"';
      const text = output(await run(printEnv, ctx({ allowCommands: [printEnv], commands: { envNames: ['MY_TOOL_HOME', 'MY_TOOL_KEY'] } })));
      const env = JSON.parse(text.slice(0, text.lastIndexOf('\n[exit code'))) as Record<string, string>;
      assert.equal(env.PATH, process.env.PATH);
      assert.equal(env.LANG, 'C.UTF-8');
      assert.equal(env.LC_TIME, 'C');
      assert.equal(env.MY_TOOL_HOME, '/opt/my-tool', 'a name the user added');
      assert.equal(env.HOME, '/tmp/home', 'a private home');
      assert.equal(env.TMPDIR, '/tmp');
      assert.equal(env.GIT_TERMINAL_PROMPT, '0');
      for (const name of ['BATON_API_KEY', 'OPENAI_API_KEY', 'AZURE_OPENAI_KEY', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'PGPASSWORD', 'BATON_PLAIN_SETTING', 'MY_TOOL_KEY']) assert.equal(env[name], undefined, name);
      assert.doesNotMatch(text, /planted/);
    });

    it('builds the environment from an allow-list of names, dropping values that look like keys', () => {
      const env = commandEnv({ PATH: '/usr/bin', SSH_AUTH_SOCK: '/tmp/ssh.sock', GIT_ASKPASS: '/x', NODE_OPTIONS: '--require /tmp/x.js', AZURE_OPENAI_KEY: 'x', JAVA_HOME: '/usr/lib/jvm/java-17', CI: 'true' }, { names: ['EXTRA'], home: '/h' });
      assert.deepEqual(env, { PATH: '/usr/bin', JAVA_HOME: '/usr/lib/jvm/java-17', CI: 'true', HOME: '/h', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', PAGER: 'cat' });
      for (const key of ['sk-proj-abcdefghijklmnop1234', 'ghp_abcdefghijklmnopqrstuvwx12', 'AKIAABCDEFGHIJKLMNOP', 'xoxb-1234567890-abcdef', 'AbCdEf0123456789AbCdEf0123456789Zz', '-----BEGIN OPENSSH PRIVATE KEY-----']) assert.equal(looksLikeKey(key), true, key);
      for (const value of ['/usr/local/bin:/usr/bin:/bin', 'en_US.UTF-8', 'production', '/home/dev/.cargo', 'xterm-256color', 'Europe/Berlin', 'true']) assert.equal(looksLikeKey(value), false, value);
    });
  });
});
