import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
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

/** Every commit the agents made, by subject, over all Baton branches. */
function agentCommits(repo: string): string[] {
  return git(repo, 'log', '--format=%s', '--branches=baton/*').split('\n').filter((s) => /\(t\d, round \d\)/.test(s)).sort();
}

describe('crash recovery: kill -9 a running `baton run`, then `baton resume`', function () {
  let server: FakeOpenAI;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    server = await startFakeOpenAI({ latencyMs: 60, fallback: scriptedTeam(plan, routing, {
      coder: { work: (t) => [{ name: 'write_file', args: { path: file(t), content: `${t}\n` } }] },
      tester: { work: (t) => [{ name: 'write_file', args: { path: file(t), content: `${t}\n` } }] },
    }) });
    env = { ...process.env, BATON_BASE_URL: server.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: 'k' };
  });
  after(() => server.close());

  const resume = (repo: string, id: string) => new Promise<number | null>((done) => {
    execFile(process.execPath, [cli, 'resume', id, '--approve', 'auto'], { cwd: repo, env }, (e) => done(e ? (typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : 1) : 0));
  });

  // Killed after the k-th event line: early (planning), in the middle of agents' work, late.
  for (const killAfter of [1, 4, 9, 14, 19, 24]) {
    it(`after ${killAfter} event(s): resume finishes with the same commits, none twice`, async () => {
      const repo = makeRepo();
      const child = spawn(process.execPath, [cli, 'run', 'add three files', '--json', '--approve', 'auto'], { cwd: repo, env });
      let lines: string[] = [];
      let buffer = '';
      const exited = new Promise<void>((done) => child.on('exit', () => done()));
      await new Promise<void>((killed) => {
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          const parts = buffer.split('\n');
          buffer = parts.pop() ?? '';
          lines = [...lines, ...parts];
          if (lines.length >= killAfter && child.exitCode === null) {
            child.kill('SIGKILL');
            killed();
          }
        });
        child.on('exit', () => killed());
      });
      await exited;
      const id = (JSON.parse(lines[0]!) as { workflowId: string }).workflowId;
      const code = await resume(repo, id);
      assert.equal(code, 0, `resume after a kill at event ${killAfter}`);
      assert.deepEqual(agentCommits(repo), ['Add a (t1, round 1)', 'Add b (t2, round 1)', 'Add c (t3, round 1)']);
      assert.equal(git(repo, 'log', '--format=%s', 'main'), 'initial commit');
    });
  }
});
