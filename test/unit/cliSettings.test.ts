import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/program';
import { resumeSettings } from '../../src/cli/resumeSettings';
import { runFlags } from '../../src/cli/settings';
import { loadUserSettings, userSettingsPath } from '../../src/cli/userSettings';
import { ConfigError } from '../../src/core/config/configError';
import type { RunSettings } from '../../src/core/workflowRecords';
import { makeRepo } from '../support/repoBuilder';

// The CLI's settings file ($XDG_CONFIG_HOME/baton/config.yaml): VS Code's keys, nested; the environment and
// flags win over it; a file Baton cannot use is an error with its line, exit 2. And `baton resume`'s settings.

function configHome(body?: string): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'baton-config-'));
  if (body !== undefined) {
    mkdirSync(join(home, 'baton'));
    writeFileSync(join(home, 'baton', 'config.yaml'), body);
  }
  return { XDG_CONFIG_HOME: home };
}

function io(env: NodeJS.ProcessEnv, cwd: string): CliIo & { out: string; err: string } {
  const r = { out: '', err: '', env, cwd, stdout: { write: (s: string) => (r.out += s) }, stderr: { write: (s: string) => (r.err += s) } };
  return r;
}

const file = `# my Baton settings
model:
  name: gpt-4.1-mini
  baseUrl: http://127.0.0.1:11434/v1
  fallbacks: [gpt-4o]
  pricing:
    llama3.1: { inputPerMillion: 0, outputPerMillion: 0 }
budget:
  perWorkflowUsd: 5
  tokens: 200000
concurrency: 2
approvals:
  require: [dependencies, budget]
commands:
  allow: [npm test]
  env: [JAVA_HOME, GRADLE_USER_HOME]
check:
  command: npm run lint
mode: hierarchical
`;

describe('baton settings file', () => {
  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    assert.equal(userSettingsPath({ XDG_CONFIG_HOME: '/x' }), '/x/baton/config.yaml');
    assert.equal(userSettingsPath({ HOME: '/home/ann' }), '/home/ann/.config/baton/config.yaml');
    assert.equal(userSettingsPath({}), undefined, 'an empty environment has no settings file');
  });

  it('gives the engine its settings, under the environment and flags', async () => {
    const { settings } = await loadUserSettings(configHome(file));
    const f = runFlags({}, {}, settings);
    assert.deepEqual([f.settings.endpoint.model, f.settings.endpoint.baseUrl, f.budgetUsd, f.budgetTokens, f.mode], ['gpt-4.1-mini', 'http://127.0.0.1:11434/v1', 5, 200_000, 'hierarchical']);
    assert.deepEqual([f.settings.concurrency, f.settings.fallbackModels, f.settings.approvalsRequire, f.settings.allowCommands, f.settings.checkCommand], [2, ['gpt-4o'], ['dependencies', 'budget'], ['npm test'], 'npm run lint']);
    assert.deepEqual(f.settings.pricing, { 'llama3.1': { inputPerMillion: 0, outputPerMillion: 0 } });
    assert.deepEqual(f.settings.commandEnv, ['JAVA_HOME', 'GRADLE_USER_HOME'], "the commands' extra environment names");
    const env = runFlags({}, { BATON_MODEL: 'gpt-4o', BATON_ALLOW_COMMANDS: 'make' }, settings);
    assert.deepEqual([env.settings.endpoint.model, env.settings.allowCommands], ['gpt-4o', ['make']], 'the environment wins over the file');
    const flags = runFlags({ model: 'o3', budget: '1', concurrency: '8', check: 'make test' }, { BATON_MODEL: 'gpt-4o' }, settings);
    assert.deepEqual([flags.settings.endpoint.model, flags.budgetUsd, flags.settings.concurrency, flags.settings.checkCommand], ['o3', 1, 8, 'make test'], 'flags win over both');
  });

  it('is optional, and may be empty', async () => {
    const none = configHome();
    assert.deepEqual(await loadUserSettings(none), { settings: {}, path: userSettingsPath(none), found: false });
    assert.deepEqual((await loadUserSettings(configHome('# nothing yet\n'))).settings, {});
  });

  it('reports every problem with its line, and how to fix it', async () => {
    const env = configHome('model:\n  name: gpt-4o\n  bogus: 1\nconcurrency: four\nbudget:\n  perWorkflowUsd: -1\n');
    const error = await loadUserSettings(env).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ConfigError, String(error));
    const path = userSettingsPath(env)!;
    assert.deepEqual(error.issues.map((i) => [i.line, i.path]), [[3, 'model.bogus'], [4, 'concurrency'], [6, 'budget.perWorkflowUsd']]);
    assert.match(error.message, new RegExp(`^${path}:3:3: model.bogus: unknown field "bogus"`, 'm'));
    assert.match(error.message, /budget\.perWorkflowUsd: must be more than 0/);
    assert.match(error.message, /Fix .*config\.yaml \(the keys of VS Code's baton\.\* settings, nested/);
  });

  it('takes only names of variables for the commands\' environment, never values', async () => {
    const error = await loadUserSettings(configHome('commands:\n  env: [JAVA_HOME, "TOKEN=abc"]\n')).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /:2:\d+: commands\.env\[1\]: must be the name of an environment variable, such as JAVA_HOME/);
  });

  it('says how to write a key copied from VS Code\'s settings.json', async () => {
    const error = await loadUserSettings(configHome('"baton.model.name": gpt-4o\n')).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /:1:1: baton\.model\.name: write "baton\.model\.name" as nested keys, without "baton\.":\nmodel:\n  name:/);
  });

  it('makes the CLI exit 2 with the file and line, and no stack trace', async () => {
    const repo = makeRepo();
    for (const [env, pattern] of [
      [configHome('mode: anarchy\n'), /config\.yaml:1:1: mode: "anarchy" is not allowed here: use one of centralized, hierarchical, event-driven/],
      [configHome('model: [unclosed\n'), /config\.yaml:\d+:\d+: YAML syntax error/],
    ] as const) {
      const t = io(env, repo);
      assert.equal(await runCli(['list'], t), 2, t.err);
      assert.match(t.err, pattern);
      assert.doesNotMatch(t.err, /\n\s+at /);
    }
    const folder = configHome();
    mkdirSync(join(folder.XDG_CONFIG_HOME!, 'baton', 'config.yaml'), { recursive: true });
    const t = io(folder, repo);
    assert.equal(await runCli(['list'], t), 2);
    assert.match(t.err, /Baton cannot read its settings file: it is a folder, not a file/);
  });

  it('baton doctor reports the file, read or broken, instead of stopping at it', async () => {
    const repo = makeRepo();
    const ok = io({ ...configHome(file), BATON_API_KEY: '' }, repo);
    await runCli(['doctor'], ok);
    assert.match(ok.out, /^ok +Settings file: .*config\.yaml \(read\)/m);
    const broken = io({ ...configHome('concurrency: 0\n'), BATON_API_KEY: '' }, repo);
    assert.equal(await runCli(['doctor'], broken), 1);
    assert.match(broken.out, /^FAIL +Settings file: .*config\.yaml:1:1: concurrency:/m);
  });
});

describe('baton resume: the settings a workflow was run with', () => {
  const kept: RunSettings = { approve: 'auto', concurrency: 2, model: 'gpt-4o', baseUrl: 'http://127.0.0.1:9/v1', check: 'npm test', keepWorktrees: true };

  it('goes on with them, whatever the environment says now', () => {
    const r = resumeSettings(runFlags({}, { BATON_MODEL: 'other' }), kept, {});
    assert.deepEqual([r.approve, r.settings.approvalMode, r.settings.concurrency, r.settings.endpoint.model, r.settings.endpoint.baseUrl, r.settings.checkCommand, r.settings.keepWorktrees],
      ['auto', 'auto', 2, 'gpt-4o', 'http://127.0.0.1:9/v1', 'npm test', true]);
    assert.deepEqual(r.notes, []);
  });

  it('takes the flags given to resume over them, and says so', () => {
    const flags = { approve: 'ask', model: 'gpt-4o-mini', check: 'make check' };
    const r = resumeSettings(runFlags(flags, {}), kept, flags);
    assert.deepEqual([r.approve, r.settings.endpoint.model, r.settings.checkCommand, r.settings.concurrency], ['ask', 'gpt-4o-mini', 'make check', 2]);
    assert.deepEqual(r.notes, [
      '--approve "ask" instead of "auto", as the workflow ran until now',
      '--model "gpt-4o-mini" instead of "gpt-4o", as the workflow ran until now',
      '--check "make check" instead of "npm test", as the workflow ran until now',
    ]);
  });

  it('takes today\'s settings for a workflow recorded before Baton kept them', () => {
    const r = resumeSettings(runFlags({}, { BATON_MODEL: 'now' }), undefined, {});
    assert.deepEqual([r.approve, r.settings.endpoint.model], ['ask', 'now']);
  });
});
