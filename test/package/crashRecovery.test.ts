import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { git, makeRepo } from '../support/repoBuilder';

const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');

const plan = { rationale: 'three files', tasks: [
  { id: 't1', title: 'Add a', description: 'a.txt', capabilities: ['implement'], dependsOn: [], files: ['a.txt'], risks: [] },
  { id: 't2', title: 'Add b', description: 'b.txt', capabilities: ['test'], dependsOn: [], files: ['b.txt'], risks: [] },
  { id: 't3', title: 'Add c', description: 'c.txt', capabilities: ['implement'], dependsOn: ['t1'], files: ['c.txt'], risks: [] },
] };
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'x', confidence: 1 },
  { taskId: 't2', agentId: 'tester', rationale: 'y', confidence: 1 },
  { taskId: 't3', agentId: 'coder', rationale: 'z', confidence: 1 },
] };
const file = (t: string) => ({ t1: 'a.txt', t2: 'b.txt', t3: 'c.txt' })[t] ?? 'x.txt';

// The kill points are random, from a seed printed before the tests: BATON_CRASH_SEED=<seed> replays a failure.
const kills = 20;
const seed = Number(process.env.BATON_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small, well-known seeded generator, so a seed gives the same kill points on every machine. */
function random(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every commit the agents made, as "<agent>: <subject> <tree>" over the workflow's agent branches, or where
 * their heads are kept once the workflow ended and its branches were removed (refs/baton/trash/<id>/ended/):
 * the tree says the content is the same, the sorted list says no commit is missing or made twice.
 */
function agentCommits(repo: string): string[] {
  const base = git(repo, 'rev-list', '--max-parents=0', 'main');
  const refs = git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/baton/', 'refs/baton/trash/').split('\n')
    .filter((r) => r && (r.startsWith('refs/heads/') || r.includes('/ended/')) && !r.endsWith('/integration'));
  return refs.flatMap((ref) => {
    const agent = ref.split('/').pop()!;
    return git(repo, 'log', '--format=%s %T', '--no-merges', ref, `^${base}`).split('\n').filter(Boolean).map((line) => `${agent}: ${line}`);
  }).sort();
}

/** What landed on the user's branch: its tree, and its history without merge commits' own ids. */
function landed(repo: string): string {
  return `${git(repo, 'rev-parse', 'main^{tree}')} ${git(repo, 'log', '--format=%s', '--no-merges', 'main').split('\n').sort().join(' | ')}`;
}

describe('crash recovery: kill -9 a running `baton run --approve auto` at random points, then a plain `baton resume`', function () {
  let server: FakeOpenAI;
  let env: NodeJS.ProcessEnv;
  /** What an uninterrupted run produces: its commits and how many event lines it prints. */
  let reference: { commits: string[]; events: number; landed: string };
  const repos: string[] = [];

  const baton = (repo: string, args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [cli, ...args], { cwd: repo, env }, (e, stdout, stderr) => {
      const code = e ? (typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });

  /** Starts `baton run`, and SIGKILLs it once it has printed `killAfter` event lines (0: as soon as it is spawned). */
  async function runAndKill(repo: string, killAfter: number): Promise<{ lines: string[]; completed: boolean }> {
    const child = spawn(process.execPath, [cli, 'run', 'add three files', '--json', '--approve', 'auto'], { cwd: repo, env });
    const lines: string[] = [];
    let buffer = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
    if (killAfter === 0) child.once('spawn', kill);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length >= killAfter) kill();
    });
    const code = await exited;
    return { lines, completed: code === 0 };
  }

  before(async function () {
    this.timeout(120_000);
    console.log(`      crash recovery seed: ${seed} (replay with BATON_CRASH_SEED=${seed})`);
    server = await startFakeOpenAI({ latencyMs: 20, fallback: scriptedTeam(plan, routing, {
      coder: { work: (t) => [{ name: 'write_file', args: { path: file(t), content: `${t}\n` } }] },
      tester: { work: (t) => [{ name: 'write_file', args: { path: file(t), content: `${t}\n` } }] },
    }) });
    env = { ...process.env, BATON_BASE_URL: server.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: 'k' };
    const repo = makeRepo();
    repos.push(repo);
    const run = await runAndKill(repo, Number.POSITIVE_INFINITY);
    assert.ok(run.completed, 'the uninterrupted run completes');
    reference = { commits: agentCommits(repo), events: run.lines.length, landed: landed(repo) };
    assert.equal(reference.commits.length, 3, reference.commits.join('\n'));
    for (const subject of ['Add a', 'Add b', 'Add c']) assert.ok(reference.landed.includes(subject), `the merge, approved by policy, landed ${subject} on main: ${reference.landed}`);
  });
  after(() => {
    server.close();
    for (const repo of repos) rmSync(repo, { recursive: true, force: true });
  });

  it('killed before its first checkpoint, the run is listed as resumable (or not at all), and resume finishes it', async () => {
    const repo = makeRepo();
    repos.push(repo);
    const killed = await runAndKill(repo, 1);
    const id = (JSON.parse(killed.lines[0]!) as { workflowId: string }).workflowId;
    const list = await baton(repo, ['list']);
    assert.match(list.stdout, new RegExp(`^${id}  (not started|interrupted) `, 'm'), list.stdout);
    assert.match(list.stdout, /Go on with an interrupted or not started workflow with: baton resume <id>/);
    const status = JSON.parse((await baton(repo, ['status', id, '--json'])).stdout) as { resumable: boolean };
    assert.equal(status.resumable, true);
    // Plain resume, as `baton status` tells a user: the workflow kept --approve auto, and goes on with it.
    assert.equal((await baton(repo, ['resume', id])).code, 0);
    assert.deepEqual(agentCommits(repo), reference.commits);
    assert.equal(landed(repo), reference.landed);
    assert.match((await baton(repo, ['list'])).stdout, new RegExp(`^${id}  completed `, 'm'));
  });

  it('killed as soon as it is spawned, nothing is listed and nothing was made', async () => {
    const repo = makeRepo();
    repos.push(repo);
    await runAndKill(repo, 0);
    const list = await baton(repo, ['list', '--json']);
    const listed = list.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { status: string; resumable: boolean });
    // Killed before Baton created the record: never started, and nothing says otherwise. Had it got that far,
    // the record must offer a resume.
    assert.ok(listed.every((r) => r.resumable), list.stdout);
    assert.equal(git(repo, 'log', '--format=%s', 'main'), 'initial commit');
  });

  it(`${kills} kills at random event lines: each resume ends with the same commits as an uninterrupted run, none twice`, async function () {
    this.timeout(kills * 30_000);
    const next = random(seed);
    const points = Array.from({ length: kills }, () => 1 + Math.floor(next() * reference.events));
    for (const killAfter of points) {
      const repo = makeRepo();
      repos.push(repo);
      const killed = await runAndKill(repo, killAfter);
      const id = (JSON.parse(killed.lines[0]!) as { workflowId: string }).workflowId;
      const resumed = await baton(repo, ['resume', id, '--json']);
      // On failure: what the killed run printed last, and what the resume did, to tell where it went wrong.
      const types = (out: string[]) => out.filter(Boolean).map((l) => { const e = JSON.parse(l) as { type: string; agent?: string; data: { taskId?: string } }; return `${e.type}${e.agent ? `/${e.agent}` : ''}${e.data.taskId ? `/${e.data.taskId}` : ''}`; }).join(' ');
      const where = `killed after event ${killAfter} of ${reference.events} (seed ${seed}); last events: ${types(killed.lines.slice(-4))}; resume: ${types(resumed.stdout.split('\n'))}`;
      assert.equal(resumed.code, 0, `${where}: resume exited ${resumed.code}: ${resumed.stderr}`);
      assert.deepEqual(agentCommits(repo), reference.commits, where);
      assert.equal(landed(repo), reference.landed, `${where}: main holds the same result, merged once`);
    }
  });
});
