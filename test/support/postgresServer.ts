// A throwaway PostgreSQL server for tests: initdb into a temporary folder, started on a free loopback port with
// its Unix socket in that folder, stopped and removed afterwards. It uses Debian's server binaries; CI installs
// them (scripts/tools.mjs ensurePostgres). Where they are missing a test fails with the command to run: a
// silently skipped backend would let the Postgres store rot unnoticed.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A URL (with the password) to a new, empty database on this server. */
  createDatabase(name?: string): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  /** Stops the server and removes its folder; safe to call twice. */
  stop(): void;
}

const debianRoot = '/usr/lib/postgresql';

/** The folder holding initdb and pg_ctl: $BATON_PG_BIN, else the newest Debian PostgreSQL. */
export function postgresBinDir(root = debianRoot, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.BATON_PG_BIN;
  if (fromEnv) return fromEnv;
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new Error(
      `The Postgres store tests need a PostgreSQL server, and none is installed (no ${root}/<version>/bin/initdb). ` +
        'Install it with: sudo apt-get install -y postgresql (CI does this through scripts/tools.mjs), or set BATON_PG_BIN to the folder holding initdb and pg_ctl.',
    );
  }
  return join(root, newest, 'bin');
}

// PostgreSQL refuses to run as root, and CI and the sandbox run as root: the server then runs as the `postgres`
// system user (created by Debian's package), which owns the temporary folder.
function asServerUser(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('Running as root, the Postgres tests need the `postgres` system user to run the server: install the postgresql package (apt-get install -y postgresql).');
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid: id('-g') };
}

function attempt(command: readonly string[]): { ok: boolean; output: string } {
  const [cmd, ...args] = command;
  const r = spawnSync(cmd!, args, { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${command.join(' ')} failed (exit ${r.status}): ${r.stderr.trim() || String(r.error ?? '')}` };
}

function run(command: readonly string[]): void {
  const r = attempt(command);
  if (!r.ok) throw new Error(r.output);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts a new server; call stop() when done (an `after` hook). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = asServerUser();
  const dir = mkdtempSync(join(tmpdir(), 'baton-pg-'));
  const data = join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'pwfile'), `${password}\n`);
  if (user.uid !== undefined) for (const p of [dir, join(dir, 'pwfile')]) chownSync(p, user.uid, user.gid!);
  // Password authentication over TCP, as a real shared server would have, so tests can check what a wrong
  // password looks like; trust on the socket, which only the server's own user can reach.
  try {
    run([...user.prefix, join(bin, 'initdb'), '-D', data, '-U', 'baton', `--pwfile=${join(dir, 'pwfile')}`, '--auth-host=scram-sha-256', '--auth-local=trust', '--encoding=UTF8', '--no-sync']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let port = 0;
  for (let tries = 1; ; tries++) {
    port = await freePort();
    // fsync off: the server is thrown away after the tests, and durability is PostgreSQL's job, not ours to test.
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    const started = attempt([...user.prefix, join(bin, 'pg_ctl'), 'start', '-w', '-t', '60', '-D', data, '-l', join(dir, 'server.log'), '-o', options]);
    if (started.ok) break;
    // Another process may have taken the port between freePort() and the server binding it.
    if (tries >= 3) {
      const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${started.output}\n${log}`);
    }
  }
  let stopped = false;
  function stop(): void {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    try {
      run([...user.prefix, join(bin, 'pg_ctl'), 'stop', '-m', 'immediate', '-w', '-D', data]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // A test run that ends without its `after` hook (a crash, a bail-out) must not leave a server behind.
  process.on('exit', stop);
  let databases = 0;
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'baton', password, database: 'postgres' });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    host: '127.0.0.1',
    port,
    user: 'baton',
    password,
    async createDatabase(name = `baton_test_${process.pid}_${++databases}`) {
      await admin((c) => c.query(`CREATE DATABASE "${name}"`));
      return `postgres://baton:${encodeURIComponent(password)}@127.0.0.1:${port}/${name}`;
    },
    async dropDatabase(url) {
      const name = new URL(url).pathname.slice(1);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
    stop,
  };
}
