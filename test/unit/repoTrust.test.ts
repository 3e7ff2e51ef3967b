import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { askTrust } from '../../src/cli/repoTrustPrompt';
import { ConfigError } from '../../src/core/config/configError';
import { parseTeamConfig } from '../../src/core/config/loadTeam';
import { approvalsInForce } from '../../src/core/config/repoApprovals';
import { repoRequestsOf, requestsDigest } from '../../src/core/config/repoRequests';
import { TrustStore } from '../../src/core/config/trustStore';
import { grantRequests, RepoTrust } from '../../src/core/repoTrust';

// A repository's .baton/ can only ask, never grant: what it requests, the digest the user's answer is kept
// under, what a run gets from it, and the approvals it can only add to.

const digestOf = (yaml: string) => requestsDigest(repoRequestsOf(parseTeamConfig(yaml)));
const trustFile = () => join(mkdtempSync(join(tmpdir(), 'baton-trust-')), 'baton', 'trust.json');

describe('repository requests', () => {
  it('keep their digest through reformatting and reordering, and change it with any command', () => {
    const base = digestOf('check: { command: npm test }\ncommands: { allow: [make, "npm run lint"] }\n');
    assert.match(base, /^[0-9a-f]{64}$/);
    assert.equal(digestOf('# reformatted\ncommands:\n  allow:\n    - npm run lint\n    - make\n    - make\ncheck:\n  command: "npm test"\n  timeoutSeconds: 900\nfeedback: { maxRounds: 1 }\n'), base,
      'comments, layout, order, duplicates and settings that are not requests do not ask again');
    assert.notEqual(digestOf('check: { command: npm test -- --all }\ncommands: { allow: [make, "npm run lint"] }\n'), base, 'a changed check');
    assert.notEqual(digestOf('check: { command: npm test }\ncommands: { allow: [make, "npm run lint", "rm -rf /"] }\n'), base, 'one more command');
    assert.notEqual(digestOf('check: { command: npm test }\n'), base);
  });

  it('give a run nothing until trusted, and the user\'s own check always wins', () => {
    const team = parseTeamConfig('check: { command: npm test, timeoutSeconds: 30, fixRounds: 2 }\ncommands: { allow: [make, npm run lint] }\n');
    const user = { allowCommands: ['npm run lint'] };
    assert.deepEqual(grantRequests(team, user, false), { check: undefined, allowCommands: ['npm run lint'], network: [], unused: { check: 'npm test', commands: ['make'] } });
    assert.deepEqual(grantRequests(team, user, true), { check: { command: 'npm test', timeoutMs: 30_000, fixRounds: 2 }, allowCommands: ['npm run lint', 'make'], network: [], unused: { commands: [] } });
    const own = { checkCommand: 'make check', allowCommands: [] };
    assert.deepEqual(grantRequests(team, own, true).check, { command: 'make check', timeoutMs: 600_000, fixRounds: 1 }, 'the repository\'s limits go with its own check');
    assert.deepEqual(grantRequests(team, own, false).unused, { commands: ['make', 'npm run lint'] }, 'a check that would not run anyway is not held against the repository');
  });

  it('ask for the hosts agents\' commands may reach, which they reach only once trusted', () => {
    const team = parseTeamConfig('sandbox: { network: [registry.npmjs.org, Example.com] }\n');
    assert.deepEqual(grantRequests(team, { allowCommands: [] }, false), { check: undefined, allowCommands: [], network: [], unused: { commands: [], network: ['example.com', 'registry.npmjs.org'] } });
    assert.deepEqual(grantRequests(team, { allowCommands: [] }, true).network, ['example.com', 'registry.npmjs.org']);
    assert.notEqual(digestOf('sandbox: { network: [registry.npmjs.org, evil.example] }\n'), digestOf('sandbox: { network: [registry.npmjs.org] }\n'), 'one more host is new content');
    assert.equal(digestOf('check: { command: npm test }\nsandbox: { network: [] }\n'), digestOf('check: { command: npm test }\n'), 'no hosts asks nothing');
  });
});

describe('repository approvals', () => {
  const repo = (yaml: string) => parseTeamConfig(yaml).approvals;

  it('only add to the user\'s', () => {
    assert.deepEqual(approvalsInForce({ require: ['dependencies'] }, repo('approvals: { require: [] }\n')).require, ['dependencies'], 'an empty list removes nothing');
    assert.deepEqual(approvalsInForce({ require: ['dependencies'] }, repo('approvals: { require: [deployment, config] }\n')).require, ['deployment', 'dependencies', 'config']);
    assert.equal(approvalsInForce({}, repo('approvals: { require: [] }\n')).require.length, 8, 'no user list: every trigger');
    assert.equal(approvalsInForce({ confidenceThreshold: 0.7 }, repo('approvals: { confidenceThreshold: 0.1 }\n')).confidenceThreshold, 0.7, 'a repository cannot lower it');
    assert.equal(approvalsInForce({ confidenceThreshold: 0.7 }, repo('approvals: { confidenceThreshold: 0.9 }\n')).confidenceThreshold, 0.9, 'but may raise it');
    assert.equal(approvalsInForce({}, repo('approvals: { largeChangeFiles: 500 }\n')).largeChangeFiles, 10, 'nor raise the large-change limit');
    assert.equal(approvalsInForce({}, repo('approvals: { largeChangeFiles: 3 }\n')).largeChangeFiles, 3);
  });
});

describe('trust file', () => {
  const team = parseTeamConfig('check: { command: npm test }\n');

  it('remembers an answer per repository and content, only for the user, until revoked', async () => {
    const path = trustFile();
    const store = new TrustStore(path);
    const trust = new RepoTrust('/work/app', team, { allowCommands: [] }, store);
    assert.equal((await trust.status()).state, 'undecided');
    assert.deepEqual((await trust.status()).unused, { check: 'npm test', commands: [] });
    assert.deepEqual(await trust.decide('trusted'), { remembered: true });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const again = new RepoTrust('/work/app', team, { allowCommands: [] }, new TrustStore(path));
    assert.equal((await again.status()).state, 'trusted', 'another process reads the same answer');
    assert.equal((await new RepoTrust('/elsewhere/app', team, { allowCommands: [] }, store).status()).state, 'undecided', 'a clone elsewhere is another checkout');
    const changed = new RepoTrust('/work/app', parseTeamConfig('check: { command: npm test; curl x }\n'), { allowCommands: [] }, store);
    assert.equal((await changed.status()).state, 'undecided', 'changed content asks again');
    await changed.decide('declined');
    assert.equal((await changed.status()).state, 'declined');
    assert.equal((await trust.status()).state, 'trusted', 'each content keeps its own answer');
    assert.equal((await store.forget('/work/app')).length, 2);
    assert.equal((await trust.status()).state, 'undecided');
  });

  it('without a home folder, an answer lasts this process only', async () => {
    const trust = new RepoTrust('/work/app', team, { allowCommands: [] }, new TrustStore(undefined));
    assert.deepEqual(await trust.decide('trusted'), { remembered: false });
    assert.equal((await trust.status()).state, 'trusted');
    assert.equal((await new RepoTrust('/work/app', team, { allowCommands: [] }, new TrustStore(undefined)).status()).state, 'undecided');
  });

  it('that Baton cannot use is a configuration error that says what to do', async () => {
    const path = trustFile();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '{ not json');
    const trust = new RepoTrust('/work/app', team, { allowCommands: [] }, new TrustStore(path));
    await assert.rejects(trust.status(), (e: unknown) => e instanceof ConfigError && /Baton cannot use its trust file: it is not valid JSON/.test(e.message) && /Remove .*trust\.json \(Baton then asks again/.test(e.message));
    assert.equal(readFileSync(path, 'utf8'), '{ not json', 'left as it was');
  });
});

describe('the terminal prompt about requests', () => {
  async function answer(...lines: string[]) {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = Object.assign(new PassThrough(), { isTTY: true });
    let shown = '';
    const answers = [...lines];
    // One answer per question, as a person types them.
    output.on('data', (b: Buffer) => {
      shown += b.toString();
      if (b.toString().includes('Trust it?') && answers.length) input.write(`${answers.shift()}\n`);
    });
    const status = await new RepoTrust('/work/app', parseTeamConfig('check: { command: npm test }\ncommands: { allow: [make] }\n'), { allowCommands: [] }, new TrustStore(trustFile())).status();
    return { decision: await askTrust({ input, output }, status), shown };
  }

  it('shows what is requested and takes yes, no or cancel', async () => {
    const yes = await answer('maybe', 'y');
    assert.equal(yes.decision, 'trusted');
    assert.match(yes.shown, /\/work\/app\/\.baton\/agents\.yaml asks Baton\n {2}to run `npm test` as its check, on the agents' merged work\n {2}to let agents run without asking: `make`\n/);
    assert.match(yes.shown, /Your answer is kept in .*trust\.json, for this content only \(sha256 [0-9a-f]{12}\)/);
    assert.equal((await answer('n')).decision, 'declined');
    assert.equal((await answer('cancel')).decision, 'cancel');
  });
});
