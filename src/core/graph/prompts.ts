import type { AgentConfig } from '../config/teamSchema';
import type { AgentTrackRecord, Recollection } from '../learningMemory';
import type { PlannedTask } from './schemas';
import type { TaskInput } from './state';

// Every prompt Baton sends, in one place. The first line of each names its purpose ("Baton
// analyze:", "Baton route:"...) so logs, the fake test server and the demo's scripted model can
// tell the calls apart.

/** What routing reads from the learning memory. */
export type RoutingMemory = Pick<Recollection, 'lessons' | 'trackRecords'>;

export interface AnalyzeScope {
  /** Hierarchical mode, below maxDepth: the plan may mark large tasks as epics. */
  epics: boolean;
  /** Set inside a sub-workflow: the epic being decomposed. */
  epicId?: string;
}

export function analyzePrompt(task: string, team: AgentConfig[], lessons: string[], scope: AnalyzeScope = { epics: false }): { system: string; user: string } {
  return {
    system: [
      'Baton analyze: you are the orchestrator of a team of software agents working on one git repository.',
      ...(scope.epicId ? [`You are a sub-orchestrator: the job below is epic ${scope.epicId} of a larger job. Decompose only this epic, for your sub-team.`] : []),
      'Decompose the user\'s job into a small set of concrete tasks (usually 2 to 8). Each task is done by ONE agent on its own branch.',
      'Give tasks short slug ids (t1, t2...). List dependencies only where a task needs another\'s result; independent tasks run in parallel.',
      'Name the files each task will likely change. Mark risks: publicApi, schema, deployment, dependencies, largeChange.',
      'Name the capabilities each task needs with the team\'s own words, listed below.',
      ...(scope.epics ? ['Mark a large task that needs several agents with epic: true: a sub-team will break it down again.'] : []),
      'Plan a review only through the team\'s reviewer; do not plan tasks for agents that are not in the team.',
      `The team: ${team.map((a) => `${a.id} (${a.role}; capabilities: ${a.capabilities.join(', ')})`).join('; ')}.`,
      ...(lessons.length ? [`Lessons from earlier workflows on this repository: ${lessons.join(' | ')}`] : []),
    ].join('\n'),
    user: `The job: ${task}`,
  };
}

/** "coder: implement 3/4, test 0/2" per agent: how earlier tasks of each kind turned out. */
export function describeTrackRecords(records: readonly AgentTrackRecord[]): string {
  const byAgent = new Map<string, string[]>();
  for (const r of records) byAgent.set(r.agentId, [...(byAgent.get(r.agentId) ?? []), `${r.taskKind} ${r.succeeded}/${r.succeeded + r.failed}`]);
  return [...byAgent].map(([agent, kinds]) => `${agent}: ${kinds.join(', ')}`).join('; ');
}

export function routePrompt(tasks: PlannedTask[], team: AgentConfig[], memory: RoutingMemory = { lessons: [], trackRecords: [] }): { system: string; user: string } {
  const records = memory.trackRecords.filter((r) => team.some((a) => a.id === r.agentId));
  return {
    system: [
      'Baton route: assign each task to the one agent of the team whose role and capabilities fit it best, and say why in one sentence.',
      'Only use agent ids from the team. Every task gets exactly one agent.',
      `The team: ${team.map((a) => `${a.id}: ${a.role} [${a.capabilities.join(', ')}]`).join('; ')}.`,
      ...(records.length ? [`Track record on this repository (tasks succeeded/done, by kind): ${describeTrackRecords(records)}. Prefer agents that succeeded at this kind of task.`] : []),
      ...(memory.lessons.length ? [`Lessons from earlier workflows on this repository: ${memory.lessons.join(' | ')}`] : []),
    ].join('\n'),
    user: `Tasks:\n${tasks.map((t) => `- ${t.id}: ${t.title} (needs ${t.capabilities.join(', ')})`).join('\n')}`,
  };
}

export function bidPrompt(task: PlannedTask, agent: AgentConfig, record?: AgentTrackRecord): { system: string; user: string } {
  const history = record ? ` On this repository you succeeded at ${record.succeeded} of ${record.succeeded + record.failed} ${record.taskKind} task(s).` : '';
  return {
    system: `Baton bid: you are ${agent.id}, ${agent.role} Your capabilities: ${agent.capabilities.join(', ')}.${history} Rate honestly how well you fit the task.`,
    user: `Task ${task.id}: ${task.title}\n${task.description}`,
  };
}

export function agentSystemPrompt(agent: AgentConfig, workflowTask: string): string {
  return [
    `Baton agent ${agent.id}: ${agent.role}`,
    'You work in your own git worktree: paths are relative to it, and nothing outside it can be touched.',
    'Use the tools to read and change files. Keep changes focused on your task.',
    'When you are done, call finish with a summary of what you changed and your confidence (0 to 1).',
    'If part of the work belongs to another agent, call handoff with what you need and what you expect back.',
    `The overall job of the team: ${workflowTask}`,
    ...(agent.prompt ? [agent.prompt] : []),
  ].join('\n');
}

export function taskPrompt(input: TaskInput, critique?: string): string {
  const t = input.task;
  return [
    `Your task ${t.id}: ${t.title}`,
    t.description,
    ...(t.files.length ? [`Likely files: ${t.files.join(', ')}`] : []),
    ...input.upstream.map((u) => `Done before you by ${u.agentId} (${u.taskId}): ${u.summary}`),
    ...(critique ? [`A reviewer asked for changes to your previous attempt:\n${critique}\nRevise your work accordingly, then call finish.`] : []),
  ].join('\n');
}

export function reviewPrompt(reviewer: AgentConfig, input: TaskInput, summary: string, diff: string, round: number): { system: string; user: string } {
  return {
    system: `Baton review: you are ${reviewer.id}, ${reviewer.role} Review a teammate's change for correctness, tests, security and fit to the task. Approve good work; request changes with concrete, actionable comments; reject only work that cannot be fixed.`,
    user: [
      `Task ${input.task.id} (round ${round}): ${input.task.title}`,
      input.task.description,
      `The author (${input.assignment.agentId}) says: ${summary}`,
      'The change:',
      diff || '(no file changes)',
    ].join('\n'),
  };
}

export function reflectPrompt(task: string, outcome: string): { system: string; user: string } {
  return {
    system: 'Baton reflect: write a short retrospective of this workflow: what worked, what failed, and lessons for the next one.',
    user: `The job: ${task}\nWhat happened:\n${outcome}`,
  };
}
