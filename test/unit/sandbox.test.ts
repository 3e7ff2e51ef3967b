import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { runProcess } from '../../src/core/agents/tools/runProcess';
import type { ProcessOutcome } from '../../src/core/agents/tools/runProcess';
import { runCheck } from '../../src/core/graph/checkRun';
import { runConfined } from '../../src/core/sandbox/runConfined';
import type { CommandPolicy } from '../../src/core/sandbox/runConfined';
import { git, makeRepo } from '../support/repoBuilder';

// What a command in the sandbox can reach, tried from inside by a probe script in the agent's worktree, on a layout
// like Baton's: a repository outside /tmp (as a user's is), its .git/baton with the database and two agents' worktrees.
// Each test also shows the same thing is reachable without the sandbox, so it cannot pass because the probe is blind.

const probeScript = `
const fs = require('fs');
const [what, ...args] = process.argv.slice(2);
const attempt = (fn) => { try { return fn() ?? 'ok'; } catch (e) { return e.code || e.message; } };
const out = {};
if (what === 'write') for (const p of args) out[p] = attempt(() => { fs.writeFileSync(p, 'probe'); });
if (what === 'read') for (const p of args) out[p] = attempt(() => fs.readFileSync(p, 'utf8'));
if (what === 'proc') {
  out.pids = fs.readdirSync('/proc').filter((n) => /^\\d+$/.test(n));
  out.environs = out.pids.map((p) => attempt(() => fs.readFileSync('/proc/' + p + '/environ', 'utf8'))).join('\\n');
  out.victim = attempt(() => fs.readFileSync('/proc/' + args[0] + '/environ', 'utf8'));
}
if (what === 'connect') {
  const socket = require('net').connect(Number(args[1]), args[0]);
  socket.on('connect', () => { console.log(JSON.stringify({ connected: true })); socket.destroy(); });
  socket.on('error', (e) => console.log(JSON.stringify({ connected: false, code: e.code })));
  return;
}
if (what === 'proxy') {
  const proxy = new URL(process.env.HTTPS_PROXY);
  const socket = require('net').connect(Number(proxy.port), proxy.hostname, () => socket.write('CONNECT ' + args[0] + ' HTTP/1.1\\r\\nHost: ' + args[0] + '\\r\\n\\r\\n'));
  let text = '';
  socket.on('data', (d) => { text += d; });
  socket.on('close', () => console.log(JSON.stringify({ text })));
  socket.on('error', (e) => console.log(JSON.stringify({ text, code: e.code })));
  return;
}
console.log(JSON.stringify(out));
`;

describe('the sandbox of agent commands and the check', function () {
  this.timeout(60_000);
  let parent: string;
  let repo: string;
  let batonDir: string;
  let mine: string;
  let other: string;
  const secret = `sk-planted-${randomUUID()}`;

  const opts = (policy: CommandPolicy = {}) => ({ cwd: mine, timeoutMs: 30_000, maxOutputBytes: 200_000, signal: new AbortController().signal, policy });
  const json = (outcome: ProcessOutcome): Record<string, unknown> => {
    assert.equal(outcome.end, 'exited', outcome.error ?? outcome.output);
    assert.equal(outcome.exitCode, 0, outcome.output);
    return JSON.parse(outcome.output.trim().split('\n').at(-1)!) as Record<string, unknown>;
  };
  const probe = (args: string, policy?: CommandPolicy) => runConfined(`node probe.js ${args}`, opts(policy));
  const unconfined = (args: string) => runProcess(`node probe.js ${args}`, { ...opts(), env: { ...process.env } as Record<string, string> });

  before(() => {
    // Outside /tmp, as a user's repository is: /tmp is the sandbox's own, so a repository there would be hidden anyway.
    mkdirSync(join(homedir(), '.cache'), { recursive: true });
    parent = mkdtempSync(join(homedir(), '.cache', 'baton-sandbox-test-'));
    repo = makeRepo({ 'README.md': '# sample\n', 'probe.js': probeScript }, parent);
    batonDir = join(repo, '.git', 'baton');
    mkdirSync(join(batonDir, 'audit'), { recursive: true });
    writeFileSync(join(batonDir, 'baton.db'), 'the database');
    mine = join(batonDir, 'worktrees', 'wf', 'mine');
    other = join(batonDir, 'worktrees', 'wf', 'other');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'baton/wf/mine', mine);
    git(repo, 'worktree', 'add', '--quiet', '-b', 'baton/wf/other', other);
  });
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('writes only in its worktree and its private /tmp', async () => {
    const tag = randomUUID();
    const targets = {
      worktree: join(mine, `w-${tag}`), tmp: `/tmp/w-${tag}`, home: join(homedir(), `w-${tag}`), repository: join(repo, `w-${tag}`),
      hooks: join(repo, '.git', 'hooks', 'post-commit'), gitPointer: join(mine, '.git'), otherAgent: join(other, `w-${tag}`), etc: `/etc/w-${tag}`, batonState: join(batonDir, `w-${tag}`),
    };
    const seen = json(await probe(`write ${Object.values(targets).join(' ')}`));
    const at = (name: keyof typeof targets) => seen[targets[name]];
    assert.equal(at('worktree'), 'ok');
    assert.equal(at('tmp'), 'ok');
    for (const name of ['home', 'repository', 'hooks', 'gitPointer', 'etc'] as const) assert.equal(at(name), 'EROFS', name);
    assert.match(readFileSync(targets.gitPointer, 'utf8'), /^gitdir: /);
    for (const name of ['otherAgent', 'batonState'] as const) assert.match(String(at(name)), /^(ENOENT|EROFS)$/, name);
    assert.equal(existsSync(targets.worktree), true);
    for (const name of ['tmp', 'home', 'repository', 'hooks', 'etc', 'otherAgent', 'batonState'] as const) assert.equal(existsSync(targets[name]), false, `${name} was written`);
  });

  it("sees neither Baton's state nor another agent's worktree, but git still works in its own", async () => {
    const paths = [join(batonDir, 'baton.db'), join(other, 'README.md'), join(mine, 'README.md')];
    assert.equal(json(await unconfined(`read ${paths.join(' ')}`))[paths[0]!], 'the database', 'the probe reads what is there');
    const seen = json(await probe(`read ${paths.join(' ')}`));
    assert.equal(seen[paths[0]!], 'ENOENT');
    assert.equal(seen[paths[1]!], 'ENOENT');
    assert.equal(seen[paths[2]!], '# sample\n');
    const branch = await runConfined('git rev-parse --abbrev-ref HEAD && git status --porcelain', opts());
    assert.equal(branch.output.trim().split('\n')[0], 'baton/wf/mine', branch.output);
  });

  it("hides the user's home but for the toolchains on PATH, and covers credential stores even there", async () => {
    const home = mkdtempSync(join(parent, 'home-'));
    const write = (path: string, text: string) => (mkdirSync(dirname(join(home, path)), { recursive: true }), writeFileSync(join(home, path), text));
    write('.ssh/id_ed25519', 'PRIVATE KEY');
    write('.netrc', 'machine example.com password hunter2');
    write('.bash_history', 'psql postgres://u:pw@db/x');
    write('.config/baton/config.yaml', 'storage: { postgresUrl: postgres://u:pw@db/x }');
    write('.cargo/bin/cargo-tool', 'a tool');
    write('.cargo/credentials.toml', 'token = "cio_secret"');
    const files = ['.ssh/id_ed25519', '.netrc', '.bash_history', '.config/baton/config.yaml', '.cargo/bin/cargo-tool', '.cargo/credentials.toml'].map((f) => join(home, f));
    const saved = { HOME: process.env.HOME, PATH: process.env.PATH };
    Object.assign(process.env, { HOME: home, PATH: `${join(home, '.cargo', 'bin')}:${process.env.PATH}` });
    try {
      assert.equal(json(await unconfined(`read ${files.join(' ')}`))[files[0]!], 'PRIVATE KEY', 'the probe reads what is there');
      const seen = json(await probe(`read ${files.join(' ')}`));
      // The toolchain's folder is back, read-only, with its credentials made /dev/null (unreadable: nodev); the rest is gone.
      assert.deepEqual(files.map((f) => seen[f]), ['ENOENT', 'ENOENT', 'ENOENT', 'ENOENT', 'a tool', 'EACCES']);
    } finally {
      Object.assign(process.env, saved);
    }
  });

  describe('processes', () => {
    let victim: ChildProcess;
    before(async () => {
      // Stands for Baton's process: the key in its environment from the start, as /proc/<pid>/environ shows it.
      victim = spawn(process.execPath, ['-e', 'process.stdout.write("up"); setInterval(() => {}, 1000)'], { env: { ...process.env, BATON_API_KEY: secret }, stdio: ['ignore', 'pipe', 'ignore'] });
      await new Promise((resolve) => victim.stdout!.once('data', resolve));
    });
    after(() => victim.kill('SIGKILL'));

    it("cannot see Baton's process in /proc nor read a key from any environment", async () => {
      assert.match(readFileSync(`/proc/${victim.pid}/environ`, 'utf8'), new RegExp(secret), 'the key is readable from outside');
      const seen = json(await probe(`proc ${victim.pid}`));
      assert.equal(seen.victim, 'ENOENT');
      assert.ok((seen.pids as string[]).length <= 4, `only the sandbox's own processes: ${String(seen.pids)}`);
      assert.doesNotMatch(String(seen.environs), new RegExp(secret));
    });

    it('runs the check in the same sandbox', async () => {
      const check = (command: string) => runCheck({ command, timeoutMs: 30_000, fixRounds: 0 }, mine, new AbortController().signal);
      const script = `node -e "const fs = require('fs'); let seen = ''; try { seen = fs.readFileSync('/proc/${victim.pid}/environ', 'utf8'); } catch {} process.exit(seen.includes('${secret}') || fs.readdirSync('/proc').includes('${victim.pid}') ? 1 : 0)"`;
      const outside = await runProcess(script, { ...opts(), env: { ...process.env } as Record<string, string> });
      assert.equal(outside.exitCode, 1, 'outside a sandbox the check sees the key');
      const inside = await check(script);
      assert.equal(inside.ok, true, inside.detail);
      const written = await check(`echo x > ${join(repo, 'from-check')}`);
      assert.equal(written.ok, false);
      assert.match(written.detail, /Read-only file system/);
      assert.equal(existsSync(join(repo, 'from-check')), false);
    });
  });

  describe('network', () => {
    let server: Server;
    let port: number;
    before(async () => {
      server = createServer((socket) => socket.on('error', () => undefined).end('hello from the host\n'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    after(() => server.close());

    it('has none: a server on the host is out of reach', async () => {
      assert.deepEqual(json(await unconfined(`connect 127.0.0.1 ${port}`)), { connected: true }, 'reachable from outside');
      assert.deepEqual(json(await probe(`connect 127.0.0.1 ${port}`)), { connected: false, code: 'ECONNREFUSED' });
    });

    it('reaches the hosts the team named, through the proxy, and no other', async () => {
      const policy = { network: ['localhost'] };
      assert.deepEqual(json(await probe(`connect 127.0.0.1 ${port}`, policy)), { connected: false, code: 'ECONNREFUSED' }, 'still no direct connection');
      assert.match(String(json(await probe(`proxy localhost:${port}`, policy)).text), /^HTTP\/1\.1 200 [^]*hello from the host\n$/);
      assert.match(String(json(await probe(`proxy 127.0.0.1:${port}`, policy)).text), /^HTTP\/1\.1 403 [^]*127\.0\.0\.1 is not one of the hosts commands may reach \(sandbox\.network: localhost\)/);
    });
  });
});
