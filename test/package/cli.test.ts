import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { makeRepo } from '../support/repoBuilder';

const execFileAsync = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const cli = resolve(root, 'dist', 'cli.js');
const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };

function baton(args: string[], options: { node?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(options.node ?? process.execPath, [cli, ...args], { cwd: options.cwd ?? root, encoding: 'utf8', env: options.env ?? process.env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the baton CLI bundle (dist/cli.js)', () => {
  it('starts with a shebang so it runs as the package\'s bin', () => {
    assert.match(readFileSync(cli, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  it('--version prints the package version', () => {
    const r = baton(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), version);
  });

  it('--help prints the usage with every command and exits 0', () => {
    const r = baton(['--help']);
    assert.equal(r.code, 0);
    for (const command of ['run', 'status', 'list', 'approve', 'reject', 'resume', 'cancel', 'rollback', 'serve', 'doctor', 'demo', 'memory']) {
      assert.match(r.stdout, new RegExp(`baton .*\\b${command}\\b`), command);
    }
  });

  it('an unknown command prints the usage and exits 2', () => {
    const r = baton(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    assert.match(r.stderr, /Usage:/);
  });

  it('an unknown flag prints the usage and exits 2', () => {
    const r = baton(['list', '--frob']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown option '--frob'/);
    assert.match(r.stderr, /Usage:/);
  });

  it('doctor checks a real repository and a live local endpoint', async () => {
    const { startFakeOpenAI } = await import('../support/fakeOpenAI');
    const server = await startFakeOpenAI({ rules: [] });
    try {
      const repo = makeRepo();
      const env = { ...process.env, BATON_BASE_URL: server.baseUrl, BATON_API_KEY: '' , OPENAI_API_KEY: '' };
      // Asynchronously: the fake endpoint answers from this very process.
      const r = await execFileAsync(process.execPath, [cli, 'doctor', '--json'], { cwd: repo, encoding: 'utf8', env });
      const checks = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; status: string });
      assert.deepEqual(checks.map((c) => [c.name, c.status]), [
        ['Node.js runtime', 'ok'], ['git', 'ok'], ['Repository', 'ok'], ['API key', 'ok'], ['Model endpoint', 'ok'], ['Sandbox', 'ok'], ['Settings file', 'ok'],
      ], r.stderr);
      assert.ok(server.requests.some((q) => q.path === '/v1/models'), 'the endpoint was asked for its models');
    } finally {
      await server.close();
    }
  });

  it('doctor exits 1 and says what to do outside a git repository', () => {
    const r = baton(['doctor'], { cwd: '/', env: { ...process.env, BATON_BASE_URL: 'http://127.0.0.1:9/v1' } });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /is not inside a git repository[\s\S]*git init/);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('memory lists what was learned on a real repository, and a usage error exits 2', () => {
    const repo = makeRepo();
    let r = baton(['memory'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Nothing learned yet/);
    r = baton(['memory', '--json'], { cwd: repo });
    assert.deepEqual(JSON.parse(r.stdout), { lessons: [], agents: [], failures: [] });
    r = baton(['memory', 'delete'], { cwd: repo });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^baton: "baton memory delete" needs the id of an entry/);
    r = baton(['memory', 'delete', 'lesson-1'], { cwd: repo });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /There is no memory entry "lesson-1"/);
  });

  it('on a Node older than 22.13 it says what is missing and exits 2', function () {
    // The machine's own Node, when it is older (Node 20 here): the case a user hits first.
    const system = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'node')).filter((bin) => existsSync(bin))
      .find((bin) => /^v(1\d|2[01]|22\.(\d|1[0-2]))\./.test(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout));
    if (!system) return this.skip();
    const r = baton(['list'], { node: system });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Baton needs Node\.js 22\.13 or newer/);
    assert.match(r.stderr, /Install Node\.js 24/);
  });
});
