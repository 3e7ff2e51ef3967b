import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scriptedTeam } from '../support/engineHarness';
import type { ToolCallReply } from '../support/fakeOpenAI';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { git, makeRepo } from '../support/repoBuilder';

// The security suite: each attack a hostile model or a hostile repository can make, replayed against the real
// `baton` CLI (dist/cli.js) in its most permissive headless mode (--approve auto), with a key Baton must never
// let out. After each, nothing may have escaped: no file outside the agent's worktree, the key in no file,
// commit, event or log, no command run without the user's say.

const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const key = 'sk-proj-BATONSECURITYSUITE0123456789abcdefABCDEF';

interface Result { code: number; stdout: string; stderr: string }

function baton(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Every file under `dir`, links not followed. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : e.isFile() ? [path] : [];
  });
}

/**
 * Nothing escaped: `outside` (where an attack would leave its marks) is still empty, and the key is in no
 * file of the repository (working tree, worktrees, Baton's database and audit logs), in no commit of any ref,
 * and in nothing the CLI printed.
 */
function assertNothingEscaped(repo: string, outside: string, runs: Result[]): void {
  assert.deepEqual(readdirSync(outside), [], `files appeared outside the repository: ${readdirSync(outside).join(', ')}`);
  for (const file of filesUnder(repo)) {
    assert.ok(!readFileSync(file).includes(key), `the key is in ${file}`);
  }
  assert.doesNotMatch(git(repo, 'log', '--all', '-p', '--format=%H %s'), new RegExp(key), 'the key is in a commit');
  for (const r of runs) assert.ok(!(r.stdout + r.stderr).includes(key), 'the CLI printed the key');
}

const task = (id: string, files: string[]) => ({ id, title: `Task ${id}`, description: id, capabilities: ['implement'], dependsOn: [], files, risks: [] });
const plan = (tasks = [task('t1', ['a.txt'])]) => ({ rationale: 'one task', tasks });
const routing = (ids = ['t1']) => ({ assignments: ids.map((taskId) => ({ taskId, agentId: 'coder', rationale: 'implements', confidence: 1 })) });
/** A coder that makes the given tool calls in its first turn, then finishes. */
const coder = (calls: ToolCallReply[]) => ({ coder: { work: () => calls } });

describe('security: a hostile model and a hostile repository against the real CLI', () => {
  let server: FakeOpenAI | undefined;
  let outside: string;
  afterEach(() => server?.close());
  beforeEach(() => (outside = mkdtempSync(join(tmpdir(), 'baton-outside-'))));

  async function attack(repo: string, calls: ToolCallReply[], env: NodeJS.ProcessEnv = {}): Promise<{ run: Result; events: { type: string; data: Record<string, unknown> }[] }> {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan(), routing(), coder(calls)) });
    const run = await baton(['run', 'do t1', '--approve', 'auto', '--json', '--keep-worktrees'], repo, {
      ...process.env, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'baton-config-')), BATON_BASE_URL: server.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: key, OPENAI_API_KEY: '', ...env,
    });
    const events = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
    return { run, events };
  }

  it('paths out of the worktree (.., absolute, .git) are refused, touching nothing', async () => {
    const repo = makeRepo();
    const paths = ['../escape.txt', '../../../../escape.txt', join(outside, 'absolute.txt'), `${'../'.repeat(12)}${outside.slice(1)}/climbed.txt`, '.git/config', 'sub/.git/hooks/post-commit', 'a/../../escape.txt'];
    const { run, events } = await attack(repo, paths.map((path) => ({ name: 'write_file', args: { path, content: 'owned\n' } })));
    const refused = events.filter((e) => e.type === 'agent.tool_refused').map((e) => e.data.path ?? e.data.args);
    assert.equal(refused.length, paths.length, JSON.stringify(events.filter((e) => e.type.startsWith('agent.tool'))));
    assert.ok(!existsSync(join(repo, '..', 'escape.txt')) && !existsSync(join(repo, '.git', 'baton', 'escape.txt')));
    assertNothingEscaped(repo, outside, [run]);
  });

  it('a symlink the repository holds, pointing out, is not written through', async () => {
    const repo = makeRepo();
    symlinkSync(outside, join(repo, 'docs-link'));
    git(repo, 'add', 'docs-link');
    git(repo, 'commit', '-q', '-m', 'a link out');
    const { run, events } = await attack(repo, [{ name: 'write_file', args: { path: 'docs-link/pwned.txt', content: 'owned\n' } }, { name: 'read_file', args: { path: 'docs-link' } }]);
    assert.ok(events.some((e) => e.type === 'agent.tool_refused'), 'the write through the link is refused');
    assertNothingEscaped(repo, outside, [run]);
  });

  it('an allowed command cannot smuggle another one in, and no unlisted command runs without a person', async () => {
    const repo = makeRepo();
    const mark = (name: string) => `touch ${join(outside, name)}`;
    const commands = [`echo ok; ${mark('semicolon')}`, `echo ok && ${mark('and')}`, `echo ok $(${mark('subshell')})`, `echo ok \`${mark('backtick')}\``, `echo ok\n${mark('newline')}`, `echo ok | sh -c '${mark('pipe')}'`, mark('plain')];
    const { run, events } = await attack(repo, commands.map((command) => ({ name: 'run_command', args: { command } })), { BATON_ALLOW_COMMANDS: 'echo ok' });
    const calls = events.filter((e) => e.type === 'agent.tool_call' && e.data.tool === 'run_command');
    assert.equal(calls.length, commands.length);
    assert.ok(calls.every((e) => e.data.ok === false), JSON.stringify(calls.map((e) => e.data)));
    assertNothingEscaped(repo, outside, [run]);
  });

  it('an allowed `npm test` whose package.json the agent rewrote cannot read the key (not from /proc, not from its environment)', async () => {
    const repo = makeRepo({ 'package.json': '{"name":"x","scripts":{"test":"true"}}\n' });
    const leak = 'cat /proc/*/environ > leak.txt 2>/dev/null; env >> leak.txt; ls /proc >> leak.txt; true';
    const { run, events } = await attack(repo, [
      { name: 'write_file', args: { path: 'package.json', content: JSON.stringify({ name: 'x', scripts: { test: leak } }) } },
      { name: 'run_command', args: { command: 'npm test' } },
    ], { BATON_ALLOW_COMMANDS: 'npm test', AZURE_OPENAI_KEY: key, GITHUB_TOKEN: key });
    const ran = events.find((e) => e.type === 'agent.tool_call' && e.data.tool === 'run_command');
    assert.equal(ran?.data.ok, true, JSON.stringify(ran?.data));
    // The script did run and wrote what it could see, committed with the agent's work: no key in it.
    const id = (JSON.parse(run.stdout.split('\n')[0]!) as { workflowId: string }).workflowId;
    const seen = git(repo, 'show', `baton/${id}/coder:leak.txt`);
    assert.match(seen, /PATH=/, 'the script ran and printed its environment');
    assertNothingEscaped(repo, outside, [run]);
  });

  it('the HTTP API answers nothing without its token, and nothing to a page that reaches it under another host name', async () => {
    const repo = makeRepo();
    const token = 'security-suite-token-0123456789';
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], { cwd: repo, env: { ...process.env, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'baton-config-')), BATON_SERVE_TOKEN: token, BATON_API_KEY: key } });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Baton API on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) done(m[1]!);
        });
        child.on('exit', (code) => fail(new Error(`baton serve exited ${code}: ${out}`)));
      });
      const call = (headers: Record<string, string>) => new Promise<{ status: number; body: string }>((done) => {
        const u = new URL(`${url}/api/v1/workflows`);
        const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => done({ status: res.statusCode ?? 0, body }));
        });
        req.end(JSON.stringify({ task: 'owned' }));
      });
      assert.equal((await call({})).status, 401);
      assert.equal((await call({ authorization: 'Bearer wrong-token-0123456789abcdef' })).status, 401);
      assert.equal((await call({ authorization: `Bearer ${token}`, host: 'evil.example' })).status, 403);
      assert.ok(!existsSync(join(repo, '.git', 'baton', 'audit')) || readdirSync(join(repo, '.git', 'baton', 'audit')).length === 0, 'no workflow was started');
    } finally {
      child.kill('SIGTERM');
    }
    assert.ok(statSync(repo).isDirectory());
  });
});
