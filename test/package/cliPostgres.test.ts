import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { startPostgres } from '../support/postgresServer';
import type { PostgresServer } from '../support/postgresServer';
import { git, makeRepo } from '../support/repoBuilder';

// The bundled `baton` (pg and LangGraph's PostgresSaver inside dist/cli.js) with BATON_POSTGRES_URL: the workflow,
// its approvals and its checkpoints live in PostgreSQL, not in the repository's SQLite file.

const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');

interface Result { code: number; stdout: string; stderr: string }

function baton(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

const plan = { rationale: 'one step', tasks: [
  { id: 't1', title: 'Add a dependency', description: 'package.json', capabilities: ['implement'], dependsOn: [], files: ['package.json'], risks: [] },
] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'owns the manifest', confidence: 1 }] };
const script = scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'package.json', content: '{"name":"x"}\n' } }] } });

describe('baton on PostgreSQL (dist/cli.js, BATON_POSTGRES_URL)', () => {
  let fake: FakeOpenAI;
  let server: PostgresServer;
  before(async function () {
    this.timeout(120_000);
    fake = await startFakeOpenAI({ fallback: script });
    server = await startPostgres();
  });
  after(() => {
    fake?.close();
    server?.stop();
  });

  it('runs, waits for approvals, resumes and lands, with the workflow in PostgreSQL', async () => {
    const repo = makeRepo();
    const url = await server.createDatabase();
    const env = { ...process.env, BATON_BASE_URL: fake.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: 'sk-test', OPENAI_API_KEY: '', BATON_POSTGRES_URL: url };

    const run = await baton(['run', 'add a dependency'], repo, env);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const id = /▶ (wf-\S+):/.exec(run.stdout)?.[1];
    assert.ok(id, run.stdout);
    assert.match((await baton(['list'], repo, env)).stdout, new RegExp(`${id}\\s+waiting`));
    const local = await baton(['list'], repo, { ...env, BATON_STORAGE_BACKEND: 'sqlite' });
    assert.match(local.stdout, /No workflows yet/, 'nothing went to the local SQLite file');

    const status = JSON.parse((await baton(['status', id!, '--json'], repo, env)).stdout) as { pendingApprovals: { approvalId: string }[] };
    assert.equal((await baton(['approve', id!, status.pendingApprovals[0]!.approvalId], repo, env)).code, 0);
    assert.equal((await baton(['resume', id!], repo, env)).code, 3, 'the merge into main waits for approval');
    assert.equal((await baton(['approve', id!, 'merge'], repo, env)).code, 0);
    const merged = await baton(['resume', id!], repo, env);
    assert.equal(merged.code, 0, merged.stdout + merged.stderr);
    assert.match(git(repo, 'log', '--format=%s', 'main'), /Add a dependency \(t1, round 1\)/);

    const history = await baton(['rollback', id!, '--list'], repo, env);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^checkpoint \S+ {2}step \d+/m, "the graph's history comes from PostgresSaver");
  });
});
