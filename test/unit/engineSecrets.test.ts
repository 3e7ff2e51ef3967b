import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/program';
import { auditLogPath } from '../../src/core/events/auditLog';
import { secretsInPatch } from '../../src/core/git/secretScan';
import { commitsOn, makeEngine, scriptedTeam, teamWith } from '../support/engineHarness';
import type { Harness } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { git, makeRepo } from '../support/repoBuilder';

// No secret is ever committed by Baton (docs/decisions/0025): an agent commit whose lines hold the key Baton uses, or
// a credential of a well-known shape, is held on no branch for a person, who approves (a false alarm: committed as
// it is) or rejects (dropped, the task rejected by them). Where and what kind are said, never the value.

const key = 'sk-proj-Baton0Test1Key2Not3Real4Abc5Def6';
const aws = 'AKIAQYLPMN5HHHFPZAM2';
const github = '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';
const pem = '-----BEGIN OPENSSH PRIVATE KEY-----';
// A lock file's integrity hash that happens to hold "AIza" and 35 more characters: a Google API key's shape.
const lock = `${JSON.stringify({ name: 'sample', lockfileVersion: 3, packages: { 'node_modules/left-pad': {
  version: '1.3.0', resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
  integrity: 'sha512-Xq+AIzaSyDaGmWKa4JsXZHjGw7ISLnO3namBGewQeAb9v8ZZWqe0u5vyH3gk2BkoVavIsZ3TcmB02aqPEnpxpNYtCg==',
} } }, null, 2)}\n`;

const plan = { rationale: 'one change', tasks: [{ id: 't1', title: 'Configure', description: 'config.js', capabilities: ['implement'], dependsOn: [], files: ['config.js'], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'codes', confidence: 1 }] };
const writes = (files: Record<string, string>) => scriptedTeam(plan, routing, { coder: { work: () => Object.entries(files).map(([path, content]) => ({ name: 'write_file', args: { path, content } })) } });
const withKey = { 'src/ordinary.js': 'export const answer = 42;\n', 'config.js': `// settings\nexport const key = "${key}";\n`, 'package-lock.json': lock };

/** Everything Baton recorded about a workflow: its events as emitted and its audit log file. */
function recorded(h: Harness, repo: string, id: string): string {
  const log = auditLogPath(join(repo, '.git', 'baton'), id);
  return JSON.stringify(h.events) + (existsSync(log) ? readFileSync(log, 'utf8') : '');
}

function everyCommit(repo: string): string {
  return git(repo, 'log', '--all', '-p', '--format=%H %s');
}

describe('engine: no secret is committed', () => {
  let server: FakeOpenAI | undefined;
  afterEach(() => server?.close());

  const start = async (files: Record<string, string>, mode: 'ask' | 'auto' | 'never' = 'ask') => {
    server = await startFakeOpenAI({ fallback: writes(files) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server, { endpoint: { baseUrl: server.baseUrl, model: 'test-model', apiKey: key }, approvalMode: mode, require: [] });
    const id = await h.engine.start('configure');
    return { repo, h, id, first: await h.engine.run(id) };
  };

  it('holds a commit with the API key in it for a person, naming file and line, never the value; approved, it is committed as it is', async () => {
    const { repo, h, id, first } = await start(withKey);
    assert.equal(first.status, 'waiting', JSON.stringify(first));
    const approvals = first.status === 'waiting' ? first.approvals : [];
    assert.deepEqual(approvals.map((a) => [a.approvalId, a.trigger, a.files]), [['t1-secret-r1', 'secret', ['config.js']]]);
    assert.match(approvals[0]!.reason, /a secret in config\.js line 2 \(a secret Baton itself holds/);
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['initial commit'], 'nothing was committed');
    assert.equal(existsSync(join(repo, '.git', 'baton', 'worktrees', id, 'coder', 'config.js')), false, 'the worktree is back at its branch head');
    assert.deepEqual(h.of('approval.requested').map((e) => [e.data.trigger, e.data.files]), [['secret', ['config.js']]]);
    assert.match(h.of('approval.requested')[0]!.data.reason, /config\.js line 2/, 'the event names the place too: redaction leaves it');
    assert.equal(h.of('agent.committed').length, 0);
    assert.equal(h.of('review.verdict').length, 0, 'the reviewers were not sent the change');

    await h.engine.decide(id, 't1-secret-r1', 'approve', 'a test key');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(h.of('approval.resolved').map((e) => [e.data.approvalId, e.data.decision, e.data.by]), [['t1-secret-r1', 'approve', 'user']]);
    assert.match(commitsOn(repo, `baton/${id}/coder`)[0]!, /Configure \(t1, round 1\)/);
    assert.equal(git(repo, 'show', `baton/${id}/coder:config.js`), withKey['config.js'].trim());
    assert.deepEqual(h.of('agent.committed').map((e) => e.data.files.sort()), [['config.js', 'package-lock.json', 'src/ordinary.js']]);
    assert.equal(git(repo, 'for-each-ref', 'refs/baton/held/'), '', 'nothing is left aside');
    assert.ok(!recorded(h, repo, id).includes(key), 'no event or audit log line holds the key');
  });

  it('rejected, the change is dropped: nothing anywhere in the repository holds it, and a person took the task out', async () => {
    const { repo, h, id, first } = await start(withKey);
    assert.equal(first.status, 'waiting', JSON.stringify(first));
    await h.engine.decide(id, 't1-secret-r1', 'reject', 'a real key');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.match(end.status === 'completed' ? end.summary : '', /t1 .*rejected/);
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['initial commit']);
    assert.equal(git(repo, 'for-each-ref', 'refs/baton/held/'), '');
    assert.doesNotMatch(everyCommit(repo), new RegExp(key));
    assert.ok(!recorded(h, repo, id).includes(key));
  });

  it('--approve auto leaves it to a person, and --approve never rejects it', async () => {
    const auto = await start(withKey, 'auto');
    assert.equal(auto.first.status, 'waiting', JSON.stringify(auto.first));
    assert.deepEqual(auto.h.of('approval.resolved'), [], 'no policy answered it');
    server?.close();

    const never = await start(withKey, 'never');
    assert.notEqual(never.first.status, 'waiting', JSON.stringify(never.first));
    assert.deepEqual(never.h.of('approval.resolved').map((e) => [e.data.approvalId, e.data.decision, e.data.by]), [['t1-secret-r1', 'reject', 'policy']]);
    assert.doesNotMatch(everyCommit(never.repo), new RegExp(key));
  });

  it('keeps an abandoned task\'s work in the trash without the files that look like they hold a secret', async () => {
    server = await startFakeOpenAI({ fallback: writes(withKey) });
    const repo = makeRepo();
    // One step: the agent writes its files and is stopped before it can finish, so the task fails.
    const h = await makeEngine(repo, server, { endpoint: { baseUrl: server.baseUrl, model: 'test-model', apiKey: key }, team: teamWith({ limits: { maxSteps: 1 } }), require: [] });
    const id = await h.engine.start('configure');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'failed', JSON.stringify(end));
    assert.equal(git(repo, 'show', '--format=', '--name-only', `refs/baton/trash/${id}/t1-coder`), 'package-lock.json\nsrc/ordinary.js');
    assert.match(h.of('agent.message').map((e) => e.data.content).join('\n'), /What looks like a secret in config\.js line 2 \(a secret Baton itself holds \(its model API key\)\) was not kept with the abandoned work/);
    assert.doesNotMatch(everyCommit(repo), new RegExp(key));
    assert.ok(!recorded(h, repo, id).includes(key));
  });

  it('does not stop an ordinary change, nor a package-lock.json full of integrity hashes', async () => {
    const { repo, h, id, first } = await start({ 'src/ordinary.js': 'export const answer = 42;\n', 'package-lock.json': lock });
    assert.equal(first.status, 'completed', JSON.stringify(first));
    assert.deepEqual(h.of('approval.requested'), []);
    assert.deepEqual(h.of('agent.committed').map((e) => e.data.files.sort()), [['package-lock.json', 'src/ordinary.js']]);
    assert.match(commitsOn(repo, `baton/${id}/coder`)[0]!, /Configure/);
  });
});

describe('baton run: a commit that would hold a secret', () => {
  let server: FakeOpenAI | undefined;
  afterEach(() => server?.close());

  it('exits 3 under --approve auto, naming each file and line and never the values', async () => {
    const files = { 'deploy/aws.env': `# keys\nAWS_ACCESS_KEY_ID=${aws}\n`, 'scripts/ci.sh': `#!/bin/sh\nexport GITHUB_TOKEN=${github}\n`, 'id_ed25519': `${pem}\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n` };
    server = await startFakeOpenAI({ fallback: writes(files) });
    const repo = makeRepo();
    const out = { text: '', err: '' };
    const io: CliIo = { env: { BATON_BASE_URL: server.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: key }, cwd: repo, stdout: { write: (s: string) => (out.text += s) }, stderr: { write: (s: string) => (out.err += s) } };
    assert.equal(await runCli(['run', 'configure', '--approve', 'auto', '--yes'], io), 3, out.err);
    assert.match(out.err, /\(secret\): Task t1's commit would hold what looks like a secret in deploy\/aws\.env line 2 \(an AWS access key id\), id_ed25519 line 1 \(a private key\), scripts\/ci\.sh line 2 \(a GitHub token\)\. Nothing was committed/);
    assert.match(out.err, /Only you say whether/);
    for (const value of [aws, github, 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW']) {
      assert.ok(!(out.text + out.err).includes(value), 'not printed');
      // Until a person decides, the change is kept on no branch (refs/baton/held/...).
      assert.doesNotMatch(git(repo, 'log', '--branches', '-p'), new RegExp(value.replace(/[+/]/g, '.')), 'not committed');
    }
  });
});

describe('secretsInPatch', () => {
  const patch = (path: string, lines: string[], start = 1) => `diff --git a/${path} b/${path}\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +${start},${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;

  it('names file and line of each secret on an added line', () => {
    const hits = secretsInPatch(patch('a b.txt\t', ['ok', `x = "${key}"`, 'ok', `AWS_SECRET_ACCESS_KEY = "${'k'.repeat(20)}/${'Q9'.repeat(9)}1"`], 10), [key]);
    assert.deepEqual(hits.map((h) => [h.path, h.line, h.kind]), [['a b.txt', 11, 'a secret Baton itself holds (its model API key)'], ['a b.txt', 13, 'an AWS secret access key']]);
  });

  it('passes words shaped like keys, documentation\'s sample keys, lines it only keeps, and a header-like added line', () => {
    const lines = ['<div class="sk-folding-cube-container-rotated">', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'xoxo-gossip-girl-forever', '++ b/not-a-header'];
    assert.deepEqual(secretsInPatch(patch('site.html', lines), []), []);
    const kept = `diff --git a/k b/k\n--- a/k\n+++ b/k\n@@ -1,0 +2 @@\n+new line\n`;
    assert.deepEqual(secretsInPatch(kept, [key]), []);
  });
});
