import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runShell } from '../../src/core/git/gitRunner';
import { ProcessHost } from '../../src/core/git/processHost';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { makeRepo } from '../support/repoBuilder';

// Baton's own processes hold no secret in their environment: the git helper and every git it runs start from an
// allow-list, and the CLI takes the key out of process.env once it has read it (or gets it on stdin from a parent).

const key = 'sk-proj-Secret0Key1For2Env3Tests4Only5x';
const secrets = { BATON_API_KEY: key, OPENAI_API_KEY: key, AZURE_OPENAI_KEY: key, AWS_SECRET_ACCESS_KEY: key, SSH_AUTH_SOCK: '/tmp/agent.sock' };

function environOf(pid: number): Record<string, string> {
  return Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/** Runs `fn` with `vars` in process.env, as a shell or VS Code may have given them to Baton. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((n) => [n, process.env[n]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [n, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
  }
}

// Written where the CLI runs: at its exit, what process.env holds, and the environment of each child still running.
const reporter = `
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
const out = process.env.BATON_TEST_REPORT;
process.on('exit', () => {
  const children = readdirSync('/proc/self/task').flatMap((t) => readFileSync('/proc/self/task/' + t + '/children', 'utf8').split(' ').filter(Boolean));
  const read = (pid, what) => { try { return readFileSync('/proc/' + pid + '/' + what, 'utf8'); } catch { return ''; } };
  writeFileSync(out, JSON.stringify({ names: Object.keys(process.env), children: children.map((pid) => ({ cmdline: read(pid, 'cmdline'), environ: read(pid, 'environ') })) }));
});
`;

interface Report { names: string[]; children: { cmdline: string; environ: string }[] }

function cli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<{ code: number; report: Report; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-env-'));
  writeFileSync(join(dir, 'reporter.mjs'), reporter);
  const report = join(dir, 'report.json');
  const main = resolve(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import=tsx', `--import=${join(dir, 'reporter.mjs')}`, main, ...args], { env: { ...env, BATON_TEST_REPORT: report }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.end(stdin);
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, report: JSON.parse(readFileSync(report, 'utf8')) as Report, output }));
  });
}

describe('no secret in the environment of Baton\'s own processes', () => {
  let server: FakeOpenAI | undefined;
  afterEach(() => server?.close());

  it('starts the git helper from the allow-list, whatever Baton\'s own environment holds', async () => {
    await withEnv(secrets, async () => {
      const host = new ProcessHost();
      try {
        host.warm();
        const environ = environOf(host.helperPid!);
        for (const name of Object.keys(secrets)) assert.equal(environ[name], undefined, `${name} is not in the helper's environment`);
        assert.equal(environ.PATH, process.env.PATH);
        assert.equal(environ.ELECTRON_RUN_AS_NODE, '1');
      } finally {
        host.close();
      }
      // What each git gets, through the helper every engine shares (each request brings its environment).
      const seen = (await runShell('env', [], { cwd: makeRepo() })).stdout;
      assert.doesNotMatch(seen, new RegExp(`${key}|SSH_AUTH_SOCK`));
      assert.match(seen, /^GIT_TERMINAL_PROMPT=0$/m);
      assert.match(seen, /^PATH=/m);
    });
  });

  it('the CLI takes the key out of process.env once it has read it, and starts its helper without it', async () => {
    server = await startFakeOpenAI({ fallback: { text: 'ok' } });
    const repo = makeRepo();
    const { code, report, output } = await cli(['list', '--repo', repo], { ...process.env, ...secrets, BATON_BASE_URL: server.baseUrl });
    assert.equal(code, 0, output);
    assert.ok(!report.names.includes('BATON_API_KEY') && !report.names.includes('OPENAI_API_KEY'), report.names.join(' '));
    // tsx's esbuild service is this test's way of running TypeScript, started before the CLI's first line.
    const baton = report.children.filter((c) => !c.cmdline.includes('esbuild'));
    assert.ok(baton.some((c) => c.cmdline.includes('process.on(\'message\'')), 'the git helper was running');
    for (const c of baton) assert.ok(!c.environ.includes(key), `no child holds the key: ${c.cmdline.slice(0, 80)}`);
  });

  it('the CLI reads secrets a parent hands over on stdin, uses them, and keeps them out of process.env', async () => {
    server = await startFakeOpenAI({ fallback: { text: 'ok' } });
    const env = { ...process.env, BATON_API_KEY: '', OPENAI_API_KEY: '', BATON_BASE_URL: server.baseUrl, BATON_MODEL: 'test-model', BATON_SECRETS_ON_STDIN: '1' };
    const { report, output } = await cli(['doctor', '--json'], env, JSON.stringify({ BATON_API_KEY: key }));
    assert.ok(server.requests.some((r) => r.headers.authorization === `Bearer ${key}`), `the key reached the endpoint: ${output}`);
    assert.ok(!report.names.includes('BATON_API_KEY') && !report.names.includes('BATON_SECRETS_ON_STDIN'), report.names.join(' '));
    assert.doesNotMatch(output, new RegExp(key));
  });
});
