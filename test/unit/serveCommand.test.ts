import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { serveCommand } from '../../src/cli/commands/serve';
import { CliError } from '../../src/cli/exitCodes';
import type { CliIo } from '../../src/cli/program';
import { BackgroundRuns } from '../../src/cli/serve/backgroundRuns';
import type { Engine, RunOutcome } from '../../src/core/engine';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { makeRepo } from '../support/repoBuilder';

const apiKey = 'sk-serve-test-key-do-not-print-0001';

function capture(): { stream: { write(s: string): boolean }; text(): string; firstLine: Promise<string> } {
  let text = '';
  let first!: (line: string) => void;
  const firstLine = new Promise<string>((resolve) => (first = resolve));
  return {
    stream: { write: (s: string) => { text += s; first(text); return true; } },
    text: () => text,
    firstLine,
  };
}

function io(env: NodeJS.ProcessEnv, cwd: string, out = capture(), err = capture()): CliIo & { out: ReturnType<typeof capture>; err: ReturnType<typeof capture> } {
  return { stdout: out.stream, stderr: err.stream, env, cwd, out, err };
}

const plan = { rationale: 'one step', tasks: [{ id: 't1', title: 'Add a greet function', description: 'src/greet.ts', capabilities: ['implement'], dependsOn: [], files: ['src/greet.ts'], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'coder implements', confidence: 0.9 }] };

describe('baton serve: the command', () => {
  let fake: FakeOpenAI | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('prints the URL and a generated token once, runs workflows over HTTP until stopped, and never prints the model key', async () => {
    fake = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'src/greet.ts', content: 'export const greet = 1;\n' } }] } }) });
    const repo = makeRepo();
    const cli = io({ BATON_BASE_URL: fake.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: apiKey }, repo);
    const stop = new AbortController();
    const exit = serveCommand({ port: '0' }, cli, { signal: stop.signal });
    const line = await cli.out.firstLine;
    const [, url, token] = /^Baton API on (http:\/\/127\.0\.0\.1:\d+) \(token: ([A-Za-z0-9_-]{32})\)/.exec(line) ?? [];
    assert.ok(url && token, line);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    assert.equal((await fetch(`${url}/api/v1/workflows/wf-none`)).status, 401);
    const res = await fetch(`${url}/api/v1/workflows`, { method: 'POST', headers: auth, body: JSON.stringify({ task: 'add a greet function' }) });
    assert.equal(res.status, 202);
    const { workflow_id: id } = (await res.json()) as { workflow_id: string };
    const until = async (done: string[]): Promise<string> => {
      let status = '';
      for (let i = 0; i < 1000 && !done.includes(status); i++) {
        if (i) await delay(10);
        status = ((await (await fetch(`${url}/api/v1/workflows/${id}`, { headers: auth })).json()) as { status: string }).status;
      }
      return status;
    };
    // The agents' work lands on the repository's branch only after the merge approval.
    assert.equal(await until(['completed', 'failed', 'waiting']), 'waiting');
    assert.equal((await fetch(`${url}/api/v1/workflows/${id}/approvals/merge`, { method: 'POST', headers: auth, body: JSON.stringify({ decision: 'approve' }) })).status < 300, true);
    assert.equal(await until(['completed', 'failed']), 'completed');
    assert.equal(readFileSync(join(repo, 'src/greet.ts'), 'utf8'), 'export const greet = 1;\n');

    stop.abort();
    assert.equal(await exit, 0);
    await assert.rejects(fetch(`${url}/api/v1/workflows/${id}`, { headers: auth }), 'the server is gone');
    const printed = cli.out.text() + cli.err.text();
    assert.equal(printed.split(token!).length - 1, 1, 'the token is printed exactly once');
    assert.ok(!printed.includes(apiKey), 'the model key is never printed');
  });

  it('takes the token from BATON_SERVE_TOKEN without echoing it', async () => {
    const repo = makeRepo();
    const token = 'my-own-serve-token-0123456789';
    const cli = io({ BATON_SERVE_TOKEN: token, BATON_API_KEY: apiKey }, repo);
    const stop = new AbortController();
    const exit = serveCommand({ port: '0', repo }, cli, { signal: stop.signal });
    const line = await cli.out.firstLine;
    assert.match(line, /\(token: from BATON_SERVE_TOKEN\)/);
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]!;
    assert.equal((await fetch(`${url}/api/v1/workflows/wf-none`, { headers: { authorization: `Bearer ${token}` } })).status, 404, 'authorized: the workflow simply does not exist');
    assert.equal((await fetch(`${url}/api/v1/workflows/wf-none`, { headers: { authorization: 'Bearer generated-or-not-0123456789' } })).status, 401);
    stop.abort();
    assert.equal(await exit, 0);
    assert.ok(!(cli.out.text() + cli.err.text()).includes(token));
  });

  it('refuses a bad --port, a short token and a port in use with exit code 2', async () => {
    const repo = makeRepo();
    for (const port of ['abc', '70000', '-1', '8080.5', '']) {
      await assert.rejects(serveCommand({ port, repo }, io({}, repo)), (e: unknown) => e instanceof CliError && e.exitCode === 2 && /--port must be a whole number from 0 to 65535/.test(e.message), port);
    }
    await assert.rejects(serveCommand({ port: '0', repo }, io({ BATON_SERVE_TOKEN: 'short' }, repo)), (e: unknown) => e instanceof CliError && e.exitCode === 2 && /BATON_SERVE_TOKEN is too short/.test(e.message));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      await assert.rejects(serveCommand({ port: String(port), repo }, io({}, repo)), (e: unknown) => e instanceof CliError && e.exitCode === 2 && new RegExp(`port ${port} is in use`).test(e.message));
    } finally {
      taken.close();
    }
  });

  it('runs a workflow once more when an approval arrives while it is still running, so the decision is applied', async () => {
    const outcomes: ((o: RunOutcome) => void)[] = [];
    let runs = 0;
    const engine = { run: () => { runs++; return new Promise<RunOutcome>((resolve) => outcomes.push(resolve)); }, cancel: () => false } as unknown as Engine;
    const background = new BackgroundRuns(engine, () => undefined);
    background.start('wf-1');
    background.start('wf-1');
    assert.equal(runs, 1, 'one run at a time per workflow');
    for (let i = 0; i < 100 && outcomes.length < 1; i++) await delay(1);
    outcomes.shift()!({ status: 'waiting', approvals: [], costUsd: 0 });
    for (let i = 0; i < 100 && outcomes.length < 1; i++) await delay(1);
    assert.equal(runs, 2, 'the run that stopped for approval goes on with the decision made meanwhile');
    outcomes.shift()!({ status: 'completed', summary: '', costUsd: 0 });
    for (let i = 0; i < 100 && background.isRunning('wf-1'); i++) await delay(1);
    assert.equal(background.isRunning('wf-1'), false);
    assert.equal(runs, 2);
  });
});
