import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDoctor } from '../../src/core/doctor';
import type { Check } from '../../src/core/doctor';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { git, makeRepo } from '../support/repoBuilder';

const byName = (checks: Check[], name: string) => checks.find((c) => c.name === name)!;

describe('doctor', () => {
  let server: FakeOpenAI;
  before(async () => { server = await startFakeOpenAI(); });
  after(() => server.close());

  const doctor = (repoDir: string | undefined, extra: { apiKey?: string; baseUrl?: string; timeoutMs?: number } = {}) =>
    runDoctor({ host: 'cli', repoDir, model: 'test-model', apiKey: extra.apiKey, baseUrl: extra.baseUrl ?? server.baseUrl, timeoutMs: extra.timeoutMs });

  it('passes everything for a repository with a branch and a live endpoint', async () => {
    const checks = await doctor(makeRepo());
    assert.deepEqual(checks.map((c) => c.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'], JSON.stringify(checks, null, 1));
    assert.match(byName(checks, 'Repository').detail, /on main at [0-9a-f]{7}/);
  });

  it('says how to fix a folder that is not a git repository', async () => {
    const c = byName(await doctor(mkdtempSync(join(tmpdir(), 'baton-plain-'))), 'Repository');
    assert.equal(c.status, 'fail');
    assert.match(c.fix!, /git init/);
  });

  it('says how to fix a repository with no commits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-empty-'));
    git(dir, 'init', '--quiet');
    const c = byName(await doctor(dir), 'Repository');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /no commits yet/);
  });

  it('warns about a detached HEAD', async () => {
    const repo = makeRepo();
    git(repo, 'checkout', '--quiet', '--detach');
    const c = byName(await doctor(repo), 'Repository');
    assert.equal(c.status, 'warn');
    assert.match(c.fix!, /git switch/);
  });

  it('needs an API key for a remote endpoint, and never prints it', async () => {
    const missing = byName(await doctor(makeRepo(), { baseUrl: 'https://api.example.invalid/v1', timeoutMs: 200 }), 'API key');
    assert.equal(missing.status, 'fail');
    assert.match(missing.fix!, /BATON_API_KEY/);
    const checks = await doctor(makeRepo(), { apiKey: 'sk-secret-123' });
    assert.equal(byName(checks, 'API key').status, 'ok');
    assert.doesNotMatch(JSON.stringify(checks), /sk-secret-123/);
    assert.equal(server.requests.at(-1)?.headers.authorization, 'Bearer sk-secret-123', 'the key went to the endpoint only');
  });

  it('reports a rejected key', async () => {
    server.failNext({ kind: 'httpError', status: 401, message: 'Incorrect API key provided' });
    const c = byName(await doctor(makeRepo(), { apiKey: 'sk-wrong' }), 'Model endpoint');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /rejected the API key \(HTTP 401\)/);
  });

  it('never hangs on an endpoint that does not answer', async () => {
    server.failNext({ kind: 'hang' });
    const c = byName(await doctor(makeRepo(), { timeoutMs: 300 }), 'Model endpoint');
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /did not answer within 0\.3 s/);
  });

  it('explains an endpoint that is not a URL', async () => {
    const c = byName(await doctor(makeRepo(), { baseUrl: 'localhost:11434' }), 'Model endpoint');
    assert.equal(c.status, 'fail');
    assert.match(c.fix!, /baton\.model\.baseUrl/);
  });
});
