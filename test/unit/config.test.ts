import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/config/configError';
import { builtinAgents, defaultTeamConfig } from '../../src/core/config/defaultTeam';
import { loadTeamConfig } from '../../src/core/config/loadTeam';
import { teamFileSchema } from '../../src/core/config/teamSchema';
import { readOnlyToolNames } from '../../src/core/config/vocabulary';

describe('team config (.baton/agents.yaml)', () => {
  let repo: string;
  beforeEach(() => (repo = mkdtempSync(join(tmpdir(), 'baton-config-'))));
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  function writeTeam(yaml: string, name = 'agents.yaml'): void {
    mkdirSync(join(repo, '.baton'), { recursive: true });
    writeFileSync(join(repo, '.baton', name), yaml);
  }

  /** Loads a file that must be rejected; returns the error for its message and issues. */
  async function rejected(yaml: string): Promise<ConfigError> {
    writeTeam(yaml);
    try {
      await loadTeamConfig(repo);
    } catch (error) {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      return error;
    }
    assert.fail('the file was accepted');
  }

  const lines = (...text: string[]) => `${text.join('\n')}\n`;

  it('uses the built-in team when the repository has no file', async () => {
    const loaded = await loadTeamConfig(repo);
    assert.equal(loaded.source, 'builtin');
    assert.equal(loaded.path, undefined);
    assert.deepEqual(loaded.team.agents.map((agent) => agent.id), ['planner', 'coder', 'tester', 'reviewer', 'documenter', 'security']);
    assert.deepEqual(loaded.team, defaultTeamConfig());
  });

  it('has a built-in team that passes its own schema, with read-only reviewers and an optional documenter', () => {
    assert.deepEqual(teamFileSchema.parse({ agents: builtinAgents() }).agents, builtinAgents());
    const byId = new Map(builtinAgents().map((agent) => [agent.id, agent]));
    for (const id of ['reviewer', 'security', 'planner']) assert.deepEqual(byId.get(id)?.tools, [...readOnlyToolNames], id);
    assert.ok(byId.get('tester')?.tools.includes('run_command'));
    assert.equal(byId.get('documenter')?.optional, true);
    assert.ok(byId.get('coder')?.capabilities.includes('implement'));
    assert.ok(byId.get('security')?.capabilities.includes('secrets'));
  });

  it('loads a valid file and fills in the defaults', async () => {
    writeTeam(
      lines(
        '# our team',
        'agents:',
        '  - id: backend',
        '    role: Writes the API',
        '    capabilities: [Implement, python]',
        '    model: gpt-4o',
        '  - id: qa-1',
        '    role: Tests it',
        '    capabilities: [test]',
        '    tools: [read_file, run_command, finish]',
        '    fallback: backend',
        'routing: { strategy: contract-net }',
        'approvals:',
        '  require: [schema, budget]',
        'check:',
        '  command: npm test',
      ),
    );
    const { team, source, path } = await loadTeamConfig(repo);
    assert.equal(source, 'file');
    assert.equal(path, join(repo, '.baton', 'agents.yaml'));
    const [backend, qa] = team.agents;
    assert.deepEqual(backend, {
      id: 'backend',
      role: 'Writes the API',
      capabilities: ['implement', 'python'],
      model: 'gpt-4o',
      tools: ['read_file', 'write_file', 'edit_file', 'list_files', 'search_files', 'run_command', 'handoff', 'finish'],
      optional: false,
      subscribes: [],
    });
    assert.equal(qa?.fallback, 'backend');
    assert.equal(team.routing.strategy, 'contract-net');
    assert.deepEqual(team.approvals, { require: ['schema', 'budget'], largeChangeFiles: 10 });
    assert.deepEqual(team.feedback, { maxRounds: 3 });
    assert.deepEqual(team.limits, { maxSteps: 40, timeoutSeconds: 900, maxReactions: 20, maxDepth: 2, epicBudgetShare: 1 });
    assert.equal(team.mode, undefined);
    assert.deepEqual(team.check, { command: 'npm test', timeoutSeconds: 600, fixRounds: 1 });
  });

  it('keeps the built-in agents when the file sets policies only', async () => {
    writeTeam(lines('mode: event-driven', 'limits:', '  maxSteps: 12'));
    const { team, source } = await loadTeamConfig(repo);
    assert.equal(source, 'file');
    assert.equal(team.mode, 'event-driven');
    assert.equal(team.limits.maxSteps, 12);
    assert.equal(team.limits.maxDepth, 2);
    assert.deepEqual(team.agents, builtinAgents());
  });

  it('reports an unknown tool at its position, with the tools it could be', async () => {
    const error = await rejected(
      lines('agents:', '  - id: coder', '    role: Writes code', '    capabilities: [implement]', '    tools: [read_file, browse, finish]'),
    );
    assert.match(error.message, /^\.baton\/agents\.yaml:5:24: agents\[0\]\.tools\[1\]: "browse" is not allowed here: use one of read_file, write_file/m);
    assert.deepEqual(error.issues.map((issue) => [issue.path, issue.line, issue.column]), [['agents[0].tools[1]', 5, 24]]);
  });

  it('refuses the agent id "integration", which names the branch where Baton merges the agents\' work', async () => {
    const error = await rejected(lines('agents:', '  - id: integration', '    role: Merges', '    capabilities: [merge]'));
    assert.match(error.message, /agents\[0\]\.id: "integration" is reserved for the branch where Baton merges the agents' work: give this agent another id/);
  });

  it('reports duplicate ids, a bad fallback and bad ids together', async () => {
    const error = await rejected(
      lines(
        'agents:',
        '  - id: coder',
        '    role: a',
        '    capabilities: [x]',
        '  - id: coder',
        '    role: b',
        '    capabilities: [y]',
        '    fallback: tester',
        '  - id: Code Reviewer',
        '    role: c',
        '    capabilities: [review]',
        '  - id: QA',
        '    role: d',
        '    capabilities: [test]',
        '    fallback: QA',
      ),
    );
    const report = error.message.split('\n');
    assert.match(report[0] ?? '', /^\.baton\/agents\.yaml:5:5: agents\[1\]\.id: duplicate agent id "coder" \(already used by agents\[0\]\)/);
    assert.match(report[1] ?? '', /^\.baton\/agents\.yaml:8:5: agents\[1\]\.fallback: fallback "tester" is not an agent of this team .*name one of them or remove fallback/);
    assert.match(report[2] ?? '', /^\.baton\/agents\.yaml:9:5: agents\[2\]\.id: "Code Reviewer" is not a valid agent id: use lowercase .* e\.g\. code-reviewer/);
    assert.match(report[3] ?? '', /^\.baton\/agents\.yaml:12:5: agents\[3\]\.id: "QA" is not a valid agent id.* e\.g\. qa$/);
    assert.match(report[4] ?? '', /^\.baton\/agents\.yaml:15:5: agents\[3\]\.fallback: an agent cannot be its own fallback/);
    assert.match(report[5] ?? '', /delete the file to use Baton's built-in team/);
    assert.equal(error.issues.length, 5);
  });

  it('reports a duplicate id even when another field has the wrong type', async () => {
    const error = await rejected(
      lines('agents:', '  - id: coder', '    role: a', '    capabilities: x', '  - id: coder', '    role: b', '    capabilities: [y]'),
    );
    assert.deepEqual(error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}`), ['4:5 agents[0].capabilities', '5:5 agents[1].id']);
  });

  it('reports wrong types with how to write them in YAML', async () => {
    const error = await rejected(
      lines(
        'agents:',
        '  - id: reviewer',
        '    role: Reviews',
        '    capabilities: review',
        '    optional: yes',
        '  - id: docs',
        '    capabilites: [docs]',
        'limits:',
        '  maxSteps: "10"',
        '  timeoutSeconds: -5',
      ),
    );
    assert.deepEqual(
      error.message.split('\n').slice(0, -1),
      [
        '.baton/agents.yaml:4:5: agents[0].capabilities: expected a list of strings, got "review". Write it as a YAML list, e.g. capabilities: [review]',
        '.baton/agents.yaml:5:5: agents[0].optional: expected true or false, got the text "yes". Write optional: true',
        // A missing field points at the mapping it is missing from.
        '.baton/agents.yaml:6:5: agents[1].role: required field missing. Add it, e.g. role: Implements features and fixes bugs',
        '.baton/agents.yaml:6:5: agents[1].capabilities: required field missing. Add it, e.g. capabilities: [implement, fix]',
        '.baton/agents.yaml:7:5: agents[1].capabilites: unknown field "capabilites" (did you mean "capabilities"?). Known fields here: id, role, capabilities, model, tools, fallback, prompt, optional, subscribes',
        '.baton/agents.yaml:9:3: limits.maxSteps: expected a number, got the text "10". Write it without quotes, e.g. maxSteps: 10',
        '.baton/agents.yaml:10:3: limits.timeoutSeconds: timeoutSeconds must be more than 0',
      ],
    );
  });

  it('reports a tool list without finish, an empty team and policy values out of range', async () => {
    const noFinish = await rejected(lines('agents:', '  - id: a', '    role: r', '    capabilities: [x]', '    tools: [read_file]'));
    assert.match(noFinish.message, /^\.baton\/agents\.yaml:5:5: agents\[0\]\.tools: tools must include finish/);
    const empty = await rejected(lines('agents: []', 'approvals:', '  confidenceThreshold: 1.5', '  require: [schemas]', 'routing:', '  strategy: auction'));
    assert.deepEqual(
      empty.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}`),
      ['1:1 agents', '3:3 approvals.confidenceThreshold', '4:13 approvals.require[0]', '6:3 routing.strategy'],
    );
    assert.match(empty.message, /approvals\.require\[0\]: "schemas" is not allowed here \(did you mean "schema"\?\)/);
    assert.match(empty.message, /agents: declare at least one agent, or remove agents: to use the built-in team/);
  });

  it('reports YAML syntax errors with their line, every one of them', async () => {
    const error = await rejected(lines('agents:', '  - id: a', '    role: x', '   capabilities: [a]', '  - id: b', '    id: c'));
    assert.deepEqual(error.issues.map((issue) => [issue.line, issue.path]), [[4, ''], [6, '']]);
    assert.match(error.message, /^\.baton\/agents\.yaml:4:1: YAML syntax error: .*Hint: /m);
    assert.match(error.message, /^\.baton\/agents\.yaml:6:5: YAML syntax error: Map keys must be unique\. Hint: each field may appear once/m);
    const tabs = await rejected('agents:\n\t- id: a\n');
    assert.match(tabs.message, /^\.baton\/agents\.yaml:2:1: YAML syntax error: Tabs are not allowed as indentation\. Hint: indent with spaces/);
  });

  it('explains an empty file and a file that is not a mapping', async () => {
    assert.match((await rejected('# nothing yet\n')).message, /^\.baton\/agents\.yaml:1:1: \(top level\): the file is empty/);
    assert.match((await rejected('- coder\n- tester\n')).message, /expected the file to be a mapping with fields such as agents:, got a list/);
  });

  it('refuses a team file under a name Baton does not read, rather than ignoring it', async () => {
    writeTeam(lines('agents: []'), 'agents.yml');
    await assert.rejects(loadTeamConfig(repo), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /Baton reads its team from \.baton\/agents\.yaml, not \.baton\/agents\.yml/);
      assert.match(error.message, /Rename it to \.baton\/agents\.yaml/);
      return true;
    });
  });
});
