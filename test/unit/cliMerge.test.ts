import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/program';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { git, makeRepo } from '../support/repoBuilder';

// `baton run` / `baton resume` when the result cannot land on the user's branch: exit 3, say why and
// what to do; after the user stashed, resume lands it and cleans up.

const plan = { rationale: 'one change', tasks: [{ id: 't1', title: 'Change a', description: 'src/a.ts', capabilities: ['implement'], dependsOn: [], files: ['src/a.ts'], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 }] };

function io(env: NodeJS.ProcessEnv, cwd: string): CliIo & { out: string; err: string } {
  const r = { out: '', err: '', env, cwd, stdout: { write: (s: string) => (r.out += s) }, stderr: { write: (s: string) => (r.err += s) } };
  return r;
}

describe('baton run: merging the result', () => {
  let fake: FakeOpenAI | undefined;
  afterEach(() => fake?.close());

  it('exits 3 saying which uncommitted files block the merge, and resume lands it once they are stashed', async () => {
    fake = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'src/a.ts', content: 'export const a = 2;\n' } }] } }) });
    const repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    writeFileSync(join(repo, 'src/a.ts'), 'export const a = 42;\n');
    const env = { BATON_BASE_URL: fake.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: 'k' };
    const first = io(env, repo);
    assert.equal(await runCli(['run', 'change a', '--approve', 'auto', '--check', 'true'], first), 3, first.err);
    const id = /▶ (wf-\S+):/.exec(first.out)?.[1];
    assert.ok(id, first.out);
    assert.match(first.err, new RegExp(`baton: the result of ${id} was not merged into your branch: You have uncommitted changes in src/a.ts, which the merge changes\\. Commit or stash them, then run baton resume ${id}\\.`));
    assert.equal(readFileSync(join(repo, 'src/a.ts'), 'utf8'), 'export const a = 42;\n');

    git(repo, 'stash');
    const second = io(env, repo);
    assert.equal(await runCli(['resume', id!, '--approve', 'auto'], second), 0, second.err);
    assert.equal(readFileSync(join(repo, 'src/a.ts'), 'utf8'), 'export const a = 2;\n');
    assert.match(second.out, /Merged into main \(fast-forward/);
    assert.equal(git(repo, 'branch', '--list', 'baton/*'), '', 'the workflow\'s branches are gone once it completed');
  });

  it('refuses an empty --check with exit 2', async () => {
    const t = io({}, makeRepo());
    assert.equal(await runCli(['run', 'x', '--check', ' '], t), 2);
    assert.match(t.err, /--check needs the command to run on the merged work, e.g. --check "npm test"/);
  });
});
