import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/program';
import { git, makeRepo } from '../support/repoBuilder';

// Repositories Baton cannot work in end with exit 2 and a sentence that says what to do: never exit 1 and
// "unexpected error ... Please report it".

const root = resolve(import.meta.dirname, '..', '..');

function io(cwd: string): CliIo & { out: string; err: string } {
  const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'baton-config-')), BATON_API_KEY: 'k', BATON_BASE_URL: 'http://127.0.0.1:9/v1' };
  const r = { out: '', err: '', env, cwd, stdout: { write: (s: string) => (r.out += s) }, stderr: { write: (s: string) => (r.err += s) } };
  return r;
}

async function refused(args: string[], cwd: string, message: RegExp): Promise<void> {
  const t = io(cwd);
  assert.equal(await runCli(args, t), 2, t.err);
  assert.match(t.err, message);
  assert.doesNotMatch(t.err, /unexpected error|\n\s+at /);
}

/**
 * The real CLI (src/cli/main.ts) in a process of its own. As root, permissions do not stop writes: the process
 * then runs without CAP_DAC_OVERRIDE (setpriv), so a read-only folder is read-only to it as to any user.
 */
function cliAsOwner(args: string[]): { status: number | null; stderr: string } {
  const command = [process.execPath, '--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args];
  const asRoot = process.getuid?.() === 0;
  const [file, ...rest] = asRoot ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--', ...command] : command;
  const r = spawnSync(file!, rest, { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'baton-config-')) } });
  assert.equal(r.error, undefined, `could not start the CLI${asRoot ? ' through setpriv (util-linux)' : ''}: ${String(r.error)}`);
  return { status: r.status, stderr: r.stderr };
}

describe('baton on a repository it cannot work in', () => {
  it('a bare repository: clone it and run Baton in the clone', async () => {
    const bare = join(mkdtempSync(join(tmpdir(), 'baton-bare-')), 'app.git');
    git(tmpdir(), 'clone', '--quiet', '--bare', makeRepo(), bare);
    await refused(['list'], bare, new RegExp(`Baton needs a working tree: ${bare} is a bare repository; clone it \\(git clone ${bare} <folder>\\) and run Baton in the clone\\.`));
  });

  it('a repository with no commits: make a first commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-unborn-'));
    git(dir, 'init', '--quiet', '--initial-branch=main');
    await refused(['run', 'add a file', '--yes'], dir, /has no commits yet\. Make a first commit \(e\.g\. git add -A && git commit -m "first commit"\): agents branch off it\./);
  });

  it('a .baton/agents.yaml that is a folder: make it a file, or remove it', async () => {
    const repo = makeRepo();
    mkdirSync(join(repo, '.baton', 'agents.yaml'), { recursive: true });
    await refused(['list'], repo, /\.baton\/agents\.yaml:1:1: Baton cannot read its team file: it is a folder, not a file\nMake \.baton\/agents\.yaml a YAML file/);
  });

  it('a .git/baton that is not a folder: move it aside', async () => {
    const repo = makeRepo();
    writeFileSync(join(repo, '.git', 'baton'), 'not a folder\n');
    await refused(['list'], repo, /Baton keeps its database, audit logs and agents' worktrees in .*\/\.git\/baton, inside the repository's git folder, but .*\/\.git\/baton is not a folder\. Move it aside \(mv /);
  });

  it('a read-only .git, or a read-only .git/baton: make it writable, or run Baton as its owner', function () {
    // Two CLI processes, each compiling the CLI's TypeScript as it starts.
    this.timeout(120_000);
    const repo = makeRepo();
    chmodSync(join(repo, '.git'), 0o555);
    try {
      const r = cliAsOwner(['list', '--repo', repo]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`but you cannot write to ${repo}/\\.git \\(EACCES\\)\\. Make it writable for you \\(e\\.g\\. chmod u\\+w "${repo}/\\.git"\\), or run Baton as the user who owns the repository\\.`));
      assert.equal(existsSync(join(repo, '.git', 'baton')), false);
    } finally {
      chmodSync(join(repo, '.git'), 0o755);
    }
    mkdirSync(join(repo, '.git', 'baton'));
    chmodSync(join(repo, '.git', 'baton'), 0o555);
    try {
      const r = cliAsOwner(['list', '--repo', repo]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /but you cannot write to .*\/\.git\/baton \(EACCES\)\. Make it writable for you/);
      assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
    } finally {
      chmodSync(join(repo, '.git', 'baton'), 0o755);
    }
  });

  it('from a subfolder, Baton keeps its state in the repository\'s own git folder', async () => {
    const repo = makeRepo();
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    const t = io(join(repo, 'src', 'deep'));
    assert.equal(await runCli(['list'], t), 0, t.err);
    assert.ok(existsSync(join(repo, '.git', 'baton', 'baton.db')), 'the database is in <repo>/.git/baton');
    assert.equal(existsSync(join(repo, 'src', '.git')), false, 'nothing made beside the subfolder');
  });
});
