import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDoctor } from '../../src/core/doctor';
import { runTool } from '../../src/core/agents/tools/registry';
import { runCommandTool } from '../../src/core/agents/tools/runCommand';
import type { ToolContext, ToolEvent, ToolResult } from '../../src/core/agents/tools/toolTypes';
import { defaultToolLimits } from '../../src/core/agents/tools/toolTypes';
import { runCheck } from '../../src/core/graph/checkRun';
import { sandboxStatus } from '../../src/core/sandbox/sandboxStatus';
import type { CommandSandbox } from '../../src/core/sandbox/sandboxStatus';
import { makeRepo } from '../support/repoBuilder';

// Where there is no sandbox (bwrap missing, broken, or not Linux), nothing an agent wrote runs unasked: not even an
// allowed command, not the check. The sandbox is pointed at a missing binary, as on a machine without bubblewrap.

const missing: CommandSandbox = { bwrap: '/nonexistent/bin/bwrap', socat: 'socat', platform: 'linux' };
const createPwned = `node -e "require('fs').writeFileSync('pwned', 'x')"`;

describe('without a sandbox', () => {
  let parent: string;
  let root: string;
  let events: ToolEvent[];
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'baton-nosandbox-'));
    root = makeRepo({ 'README.md': '# sample\n' }, parent);
    events = [];
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  const ctx = (rest: Partial<ToolContext> = {}): ToolContext => ({
    root, signal: new AbortController().signal, allowCommands: [createPwned], onEvent: (e) => events.push(e), commands: { sandbox: missing }, limits: defaultToolLimits, ...rest,
  });
  const run = (context: ToolContext): Promise<ToolResult> => runTool(runCommandTool, { command: createPwned }, context);

  it('asks before an allowed command, saying why, and runs it only if approved', async () => {
    const asked: { command: string; why?: string }[] = [];
    const declined = await run(ctx({ approveCommand: async (command, why) => (asked.push({ command, why }), false) }));
    assert.equal(declined.ok, false);
    assert.equal(existsSync(join(root, 'pwned')), false);
    assert.equal(asked.length, 1);
    assert.match(asked[0]!.why!, /bubblewrap \(\/nonexistent\/bin\/bwrap\) is not installed.*could read and change everything your user account can/);

    const approved = await run(ctx({ approveCommand: async () => true }));
    assert.equal(approved.ok, true, approved.ok ? '' : approved.error);
    assert.equal(existsSync(join(root, 'pwned')), true);
  });

  it('refuses an allowed command when no one can approve it, and says how to install bubblewrap', async () => {
    const result = await run(ctx());
    assert.equal(!result.ok && result.refused, true);
    assert.match(result.ok ? '' : result.error, /needs a person's approval and no one is here to give it: .*sudo apt install bubblewrap/);
    assert.equal(existsSync(join(root, 'pwned')), false);
    assert.deepEqual(events.map((e) => [e.type, e.kind]), [['tool_refused', 'command']]);
  });

  it('does not run the check unasked, and reports it as not run rather than passed', async () => {
    const check = { command: createPwned, timeoutMs: 30_000, fixRounds: 1 };
    const unasked = await runCheck(check, root, new AbortController().signal, { commands: { sandbox: missing } });
    assert.deepEqual({ ok: unasked.ok, notRun: unasked.notRun }, { ok: false, notRun: true });
    assert.match(unasked.detail, /was not run: bubblewrap .* is not installed, so commands cannot run in a sandbox, and no one was there to approve running it without one\. Install bubblewrap \(`sudo apt install bubblewrap`/);
    assert.equal(existsSync(join(root, 'pwned')), false);

    const asked: string[] = [];
    const approved = await runCheck(check, root, new AbortController().signal, { commands: { sandbox: missing }, approveCommand: async (command, agentId, taskId, why) => (asked.push(`${agentId}/${taskId}: ${command} (${why})`), true) });
    assert.equal(approved.ok, true, approved.detail);
    assert.match(asked[0]!, /^integration\/check: .*\(bubblewrap/);
    assert.equal(existsSync(join(root, 'pwned')), true);
  });

  it('is reported by doctor with what is missing and how to install it', async () => {
    const checks = await runDoctor({ host: 'cli', repoDir: root, baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey: undefined, timeoutMs: 500, sandbox: missing });
    const sandbox = checks.find((c) => c.name === 'Sandbox')!;
    assert.equal(sandbox.status, 'warn');
    assert.match(sandbox.detail, /bubblewrap \(\/nonexistent\/bin\/bwrap\) is not installed/);
    assert.match(sandbox.fix!, /sudo apt install bubblewrap.*every command an agent runs, and the project's check, asks you first/);
    const installed = (await runDoctor({ host: 'cli', repoDir: root, baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey: undefined, timeoutMs: 500 })).find((c) => c.name === 'Sandbox')!;
    assert.equal(installed.status, 'ok', installed.detail);
    assert.match(installed.detail, /^bubblewrap \d/);
  });

  it('knows a bubblewrap that cannot make a sandbox, and a system that has none', async () => {
    const fake = join(parent, 'bwrap');
    writeFileSync(fake, '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const broken = await sandboxStatus({ ...missing, bwrap: fake });
    assert.equal(broken.available, false);
    assert.match(broken.available ? '' : broken.problem, /installed but cannot make a sandbox here: bwrap: setting up uid map: Permission denied/);
    const mac = await sandboxStatus({ ...missing, platform: 'darwin' });
    assert.match(mac.available ? '' : mac.problem, /no sandbox for commands on macOS/);
  });
});
