import { teamFileSchema } from './teamSchema';
import type { AgentConfig, TeamConfig, TeamFile } from './teamSchema';
import { agentToolNames, readOnlyToolNames } from './vocabulary';

// The team Baton uses when the repository has no `.baton/agents.yaml`, or one that declares policies only.
// Written in the validated (output) shape; a unit test runs it through the schema so it cannot drift.

const allTools = [...agentToolNames];
const readOnly = [...readOnlyToolNames];
// Writes files but runs nothing: documentation needs no shell.
const editorTools = allTools.filter((tool) => tool !== 'run_command');

const builtin: readonly AgentConfig[] = [
  {
    id: 'planner',
    role: 'Breaks the task into small, independent steps, each with the capabilities it needs and what it depends on.',
    capabilities: ['plan', 'decompose', 'design', 'architecture'],
    tools: readOnly,
    optional: false,
    subscribes: [],
  },
  {
    id: 'coder',
    role: 'Implements features and fixes bugs with small, focused changes that follow the code around them.',
    capabilities: ['implement', 'refactor', 'fix', 'code', 'typescript', 'javascript', 'python', 'go', 'rust', 'java', 'css', 'html', 'sql'],
    tools: allTools,
    optional: false,
    subscribes: [],
  },
  {
    id: 'tester',
    role: 'Writes and runs tests that prove the change works and that catch regressions.',
    capabilities: ['test', 'verify', 'coverage', 'regression'],
    tools: allTools,
    // The coder can write tests too when the tester keeps failing.
    fallback: 'coder',
    optional: false,
    subscribes: ['agent.committed'],
  },
  {
    id: 'reviewer',
    role: 'Reviews the changes for correctness, clarity and fit with the codebase; approves or asks for specific changes.',
    capabilities: ['review', 'quality', 'readability'],
    tools: readOnly,
    fallback: 'security',
    optional: false,
    subscribes: ['agent.finished'],
  },
  {
    id: 'documenter',
    role: 'Updates the README, docs and changelog so they describe what changed.',
    capabilities: ['docs', 'documentation', 'readme', 'changelog', 'comments'],
    tools: editorTools,
    // Missing docs should not sink a workflow whose code is done.
    optional: true,
    subscribes: ['review.verdict'],
  },
  {
    id: 'security',
    role: 'Audits the changes for vulnerabilities, leaked secrets and risky dependencies.',
    capabilities: ['security', 'audit', 'secrets', 'dependencies', 'vulnerabilities'],
    tools: readOnly,
    fallback: 'reviewer',
    optional: false,
    subscribes: ['agent.committed'],
  },
];

/** A fresh copy of the built-in agents: callers may modify what they get. */
export function builtinAgents(): AgentConfig[] {
  return structuredClone([...builtin]);
}

/** Completes a validated file with the built-in agents when it declares none. */
export function resolveTeam(file: TeamFile): TeamConfig {
  return { ...file, agents: file.agents ?? builtinAgents() };
}

/** The built-in team with default policies. */
export function defaultTeamConfig(): TeamConfig {
  return resolveTeam(teamFileSchema.parse({}));
}
