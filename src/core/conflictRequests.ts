import type { StateSnapshot } from '@langchain/langgraph';
import type { TeamConfig } from './config/teamSchema';
import { BatonError } from './errors';
import { runGit } from './git/gitRunner';
import { checkRepoPath } from './git/refFiles';
import { branchName, integrationName } from './git/workspaces';
import type { OpenApproval } from './graph/interrupts';
import type { PlannedTask } from './graph/schemas';
import type { Assignment, WorkflowStateType, WorkflowUpdate } from './graph/state';

/** "Ask `agent` to resolve": the conflict between its branch and `other`'s (an agent or `integration`) over `path`. */
export interface ResolveRequest {
  path: string;
  agent: string;
  other: string;
}

/** A resolution task waiting for the workflow's next run. */
export interface AskedResolution {
  task: PlannedTask;
  assignment: Assignment;
}

export interface ResolveTicket {
  taskId: string;
  /** The approval of `agent`'s own change that must be answered before it can start, if any. */
  after?: string;
}

interface PlanInput {
  workflowId: string;
  repoDir: string;
  team: TeamConfig;
  snapshot: StateSnapshot;
  pending: readonly OpenApproval[];
  /** Resolutions asked earlier that the workflow has not taken yet. */
  asked: readonly AskedResolution[];
}

const agentName = /^[\w.-]+$/;

/**
 * Checks a request against the stopped workflow and makes its task: `agent` merges `other`'s branch
 * into its own and resolves what git cannot merge (see prepare() in nodes/taskAttempt.ts).
 */
export async function planResolution(input: PlanInput, req: ResolveRequest): Promise<{ asked: AskedResolution; ticket: ResolveTicket }> {
  const { workflowId, snapshot } = input;
  const path = checkRepoPath(req.path);
  const state = snapshot.values as Partial<WorkflowStateType>;
  if (!state.workflowId || (!snapshot.next.length && !snapshot.tasks.length)) {
    throw new BatonError(`Workflow ${workflowId} has ended: its agents take no more work.`, 'Take one side of the conflict instead, or start a new workflow.', 'usage');
  }
  if (!agentName.test(req.agent) || !agentName.test(req.other) || req.agent === req.other || req.agent === integrationName) {
    throw new BatonError(`Cannot ask ${req.agent} to resolve a conflict with ${req.other}: name an agent of the workflow and the other side.`, undefined, 'usage');
  }
  if (!input.team.agents.some((a) => a.id === req.agent)) {
    throw new BatonError(`${req.agent} is not in the team, so it cannot take a task.`, 'Check the agents in .baton/agents.yaml.', 'config');
  }
  const budget = input.pending.find((p) => p.request.trigger === 'budget');
  if (budget) {
    throw new BatonError(`Workflow ${workflowId} stopped at its budget: no agent may start more work until you answer "${budget.request.approvalId}".`, 'Approve the budget stop to raise the budget, then ask again.', 'usage');
  }
  const [mine, theirs] = [branchName(workflowId, req.agent), branchName(workflowId, req.other)];
  for (const b of [mine, theirs]) {
    const found = await runGit(['show-ref', '--verify', '--quiet', `refs/heads/${b}`], { cwd: input.repoDir, okCodes: [1] });
    if (found.code !== 0) throw new BatonError(`Branch ${b} does not exist, so there is no conflict with it to resolve.`, 'Reload the window if the marker stays.', 'usage');
  }
  const taken = new Set([...(state.plan ?? []).map((t) => t.id), ...input.asked.map((a) => a.task.id)]);
  const stem = `resolve-${req.agent}`.slice(0, 34);
  let n = 1;
  while (taken.has(`${stem}-${n}`)) n++;
  const id = `${stem}-${n}`;
  const who = req.other === integrationName ? 'the integration of everyone\'s work' : `${req.other}'s work`;
  const task: PlannedTask = {
    id, title: `Resolve the conflict with ${req.other} over ${path}`, capabilities: ['resolve'], dependsOn: [], files: [path], risks: [],
    description: `The user asked you to resolve the conflict between your branch (${mine}) and ${who} (${theirs}) over ${path}. ` +
      `Baton has started merging ${theirs} into your worktree: every file git could not merge holds conflict markers (lines starting with <<<<<<<, ======= and >>>>>>>). ` +
      'For each such file, read it, write it back combining both sides so that both changes keep working, with no marker left, then call finish. Do not drop the other side\'s change; your commit concludes the merge.',
    resolve: { with: req.other, branch: theirs },
  };
  const assignment: Assignment = { agentId: req.agent, strategy: 'user', rationale: `The user asked ${req.agent} to resolve its conflict with ${req.other} over ${path}.` };
  const waiting = input.pending.find((p) => (p.request.agentId ?? '') === req.agent);
  return { asked: { task, assignment }, ticket: { taskId: id, after: waiting?.request.approvalId } };
}

/** The graph update that adds the asked resolutions to the plan, to go with the run that takes them. */
export function resolutionUpdate(state: Partial<WorkflowStateType>, asked: readonly AskedResolution[]): WorkflowUpdate {
  return {
    plan: [...(state.plan ?? []), ...asked.map((a) => a.task)],
    assignments: Object.fromEntries(asked.map((a) => [a.task.id, a.assignment])),
  };
}
