import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/program';
import { storageSettings } from '../../src/cli/settings';
import { runDoctor } from '../../src/core/doctor';
import { BatonError } from '../../src/core/errors';
import { openOperationalStore } from '../../src/core/store/operationalStore';
import { PostgresStore } from '../../src/core/store/postgresStore';
import { postgresMigrations } from '../../src/core/store/postgresMigrations';
import { PostgresWorkflowRecords } from '../../src/core/store/postgresWorkflowRecords';
import { StoreError } from '../../src/core/store/storeError';
import { postgresBinDir, startPostgres } from '../support/postgresServer';
import type { PostgresServer } from '../support/postgresServer';
import { makeRepo } from '../support/repoBuilder';
import { checkPostgres } from '../../src/core/store/storageCheck';

// What a team sees when the shared PostgreSQL is out of reach or set up wrong, and how Baton shares it safely.

const secret = 'Sup3r-s3cret-pw';

/** A loopback port nothing listens on (it was free a moment ago and nothing here binds it again). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function refusal(url: string): Promise<BatonError> {
  try {
    const store = await PostgresStore.open(url);
    await store.close();
  } catch (error) {
    assert.ok(error instanceof BatonError, `expected a BatonError, got ${String(error)}`);
    assert.doesNotMatch(`${error.describe()} ${error.stack}`, new RegExp(secret), 'the password never appears');
    return error;
  }
  assert.fail(`opening ${url} should have failed`);
}

function cliIo(cwd: string, env: NodeJS.ProcessEnv): CliIo & { out: string; err: string } {
  const r = {
    out: '', err: '', env, cwd,
    stdout: { write: (s: string) => (r.out += s) },
    stderr: { write: (s: string) => (r.err += s) },
  };
  return r;
}

describe('store: PostgreSQL unreachable or misconfigured', () => {
  it('names host and port, not the password, when nothing listens there', async () => {
    const port = await closedPort();
    const error = await refusal(`postgres://baton:${secret}@127.0.0.1:${port}/baton`);
    assert.match(error.describe(), new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port}`));
    assert.match(error.describe(), /ECONNREFUSED.*Check that the server is running .*baton\.storage\.postgresUrl \(CLI: BATON_POSTGRES_URL\)/);
  });

  it('`baton list` with BATON_POSTGRES_URL to a closed port exits 1 with that message', async () => {
    const port = await closedPort();
    const t = cliIo(makeRepo(), { BATON_POSTGRES_URL: `postgresql://baton:${secret}@127.0.0.1:${port}/baton` });
    assert.equal(await runCli(['list'], t), 1);
    assert.match(t.err, new RegExp(`^baton: Baton could not reach PostgreSQL at 127\\.0\\.0\\.1:${port} `));
    assert.doesNotMatch(t.err + t.out, new RegExp(secret));
  });

  it('`baton doctor` fails the storage check with the same message', async () => {
    const port = await closedPort();
    const checks = await runDoctor({ checkStorage: checkPostgres, host: 'cli', repoDir: undefined, baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey: undefined, timeoutMs: 2000, storage: { backend: 'postgres', postgresUrl: `postgres://baton:${secret}@127.0.0.1:${port}/baton` } });
    const storage = checks.find((c) => c.name === 'Storage');
    assert.equal(storage?.status, 'fail');
    assert.match(storage!.detail, new RegExp(`could not reach PostgreSQL at 127\\.0\\.0\\.1:${port}`));
    assert.match(storage!.fix ?? '', /Check that the server is running/);
    assert.doesNotMatch(JSON.stringify(checks), new RegExp(secret));
    const unset = await runDoctor({ checkStorage: checkPostgres, host: 'cli', repoDir: undefined, baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey: undefined, timeoutMs: 2000, storage: { backend: 'postgres', postgresUrl: '' } });
    assert.match(unset.find((c) => c.name === 'Storage')?.fix ?? '', /Set baton\.storage\.postgresUrl/);
  });

  it('refuses a URL that is not a PostgreSQL URL without repeating it', async () => {
    const error = await refusal(`mysql://baton:${secret}@db:3306/baton`);
    assert.equal(error.kind, 'config');
    assert.match(error.describe(), /is not a PostgreSQL URL\. Write it as postgres:\/\/USER@HOST:PORT\/DATABASE/);
  });

  it('asks for a URL when the backend is postgres and none is set', async () => {
    await assert.rejects(openOperationalStore({ backend: 'postgres', postgresUrl: ' ' }, undefined as never), (error) => {
      assert.ok(error instanceof BatonError);
      assert.match(error.describe(), /no PostgreSQL URL is set\. Set baton\.storage\.postgresUrl \(CLI: the BATON_POSTGRES_URL environment variable\)/);
      return true;
    });
    assert.deepEqual(storageSettings({}), { backend: 'sqlite' });
    assert.deepEqual(storageSettings({ BATON_POSTGRES_URL: 'postgres://db/baton' }), { backend: 'postgres', postgresUrl: 'postgres://db/baton' });
    assert.deepEqual(storageSettings({ BATON_POSTGRES_URL: 'postgres://db/baton', BATON_STORAGE_BACKEND: 'sqlite' }), { backend: 'sqlite' });
    assert.throws(() => storageSettings({ BATON_STORAGE_BACKEND: 'postgres' }), /backend is postgres but no URL is set: set BATON_POSTGRES_URL/);
    assert.throws(() => storageSettings({ BATON_STORAGE_BACKEND: 'mongo' }), /must be sqlite or postgres/);
  });
});

describe('store: the PostgreSQL the tests start', () => {
  it('without the server binaries, fails saying how to install them instead of skipping', () => {
    const empty = mkdtempSync(join(tmpdir(), 'baton-no-pg-'));
    try {
      assert.throws(() => postgresBinDir(empty, {}), /need a PostgreSQL server, and none is installed .*apt-get install -y postgresql/);
      assert.equal(postgresBinDir(empty, { BATON_PG_BIN: '/opt/pg/bin' }), '/opt/pg/bin');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('store: a shared PostgreSQL', function () {
  let server: PostgresServer;
  const databases: string[] = [];
  const fresh = async () => {
    const url = await server.createDatabase();
    databases.push(url);
    return url;
  };
  before(async function () {
    this.timeout(120_000);
    server = await startPostgres();
  });
  after(() => server?.stop());
  afterEach(async () => {
    for (const url of databases.splice(0)) await server.dropDatabase(url);
  });

  it('says the password is wrong, naming the server and the user but not the password', async () => {
    const url = await fresh();
    const error = await refusal(url.replace(encodeURIComponent(server.password), secret));
    assert.match(error.describe(), new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${server.port} refused database "baton_test_\\d+_\\d+", user "baton": wrong or missing password\\. .*PGPASSWORD`));
  });

  it('says which database is missing and how to create it', async () => {
    const url = (await fresh()).replace(/\/[^/]+$/, '/no_such_db');
    const error = await refusal(url);
    assert.match(error.describe(), new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${server.port} has no database "no_such_db"\\. Create it \\(e\\.g\\. createdb -h 127\\.0\\.0\\.1 -p ${server.port} no_such_db\\)`));
  });

  it('`baton doctor` reports the server, the database and the schema version, changing nothing', async () => {
    const url = await fresh();
    const storageCheck = async () => (await runDoctor({ checkStorage: checkPostgres, host: 'cli', repoDir: undefined, baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey: undefined, timeoutMs: 2000, storage: { backend: 'postgres', postgresUrl: url } }))
      .find((c) => c.name === 'Storage');
    const before = await storageCheck();
    assert.equal(before?.status, 'ok');
    assert.match(before!.detail, new RegExp(`^PostgreSQL \\d+\\.\\d+.* at 127\\.0\\.0\\.1:${server.port}, database "baton_test_\\d+_\\d+"; Baton creates its tables on first use$`));
    assert.equal((await storageCheck())?.detail, before!.detail, 'a second look finds the database as it was');
    await (await PostgresStore.open(url)).close();
    assert.match((await storageCheck())!.detail, new RegExp(`, Baton schema ${postgresMigrations.length}$`));
  });

  it('sets up a new database once when several machines open it at the same moment', async () => {
    const url = await fresh();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(url)));
    const client = new pg.Client(url);
    await client.connect();
    try {
      const versions = await client.query<{ version: number }>('SELECT version FROM baton.schema_migrations ORDER BY version');
      assert.deepEqual(versions.rows.map((r) => r.version), postgresMigrations.map((m) => m.version));
      const langgraph = await client.query<{ n: string; distinct: string }>('SELECT count(*) AS n, count(DISTINCT v) AS distinct FROM baton.checkpoint_migrations');
      assert.equal(langgraph.rows[0]!.n, langgraph.rows[0]!.distinct, "LangGraph's own migrations ran once each");
    } finally {
      await client.end();
      for (const s of stores) await s.close();
    }
  });

  it('refuses a database a newer Baton set up, and changes nothing in it', async () => {
    const url = await fresh();
    await (await PostgresStore.open(url)).close();
    const client = new pg.Client(url);
    await client.connect();
    try {
      await client.query("INSERT INTO baton.schema_migrations VALUES (99, 'from the future', '2030-01-01T00:00:00.000Z')");
      await assert.rejects(PostgresStore.open(url), (error) => {
        assert.ok(error instanceof StoreError);
        assert.equal(error.problem, 'newer-schema');
        assert.match(error.message, /set up by a newer Baton \(schema 99, this build knows \d+\): update Baton on this machine\. Nothing was changed\./);
        return true;
      });
      assert.equal((await client.query('SELECT * FROM baton.schema_migrations')).rowCount, postgresMigrations.length + 1);
    } finally {
      await client.end();
    }
  });

  it("reports a runner's pid only on the machine that runs it", async () => {
    const pool = new pg.Pool({ connectionString: await fresh() });
    await (await PostgresStore.open(databases.at(-1)!)).close();
    try {
      const here = new PostgresWorkflowRecords(pool, 'machine-a');
      const there = new PostgresWorkflowRecords(pool, 'machine-b');
      const now = '2026-11-29T10:00:00.000Z';
      await here.create({ id: 'wf-1', task: 't', mode: 'centralized', status: 'queued', budgetUsd: 1, budgetTokens: 0, costUsd: 0, baseCommit: 'c', createdAt: now, updatedAt: now, progress: { done: 0, failed: 0, notRun: 0, total: 0 } });
      await here.update('wf-1', { status: 'running', runnerPid: 4242 });
      // `baton cancel` on machine B must not signal B's own process 4242.
      assert.equal((await here.get('wf-1'))?.runnerPid, 4242);
      assert.equal((await there.get('wf-1'))?.runnerPid, undefined);
      assert.equal((await there.get('wf-1'))?.status, 'running', 'B still sees that it is running');
    } finally {
      await pool.end();
    }
  });
});
