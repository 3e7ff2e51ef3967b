import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { inTeamWords, teamCapabilities } from '../../config/capabilities';
import { BatonError } from '../../errors';
import { engineContext } from '../context';
import { canNest } from '../modes';
import { planProblems } from '../planChecks';
import { analyzePrompt } from '../prompts';
import { planSchemaFor } from '../schemas';
import type { PlannedTask } from '../schemas';
import type { WorkflowStateType, WorkflowUpdate } from '../state';

/**
 * Decomposes the job (or, in a sub-workflow, the epic) into tasks with dependencies; an invalid plan
 * is sent back with its problems.
 */
export async function analyze(state: WorkflowStateType, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  if (!state.task.trim()) throw new BatonError('The task is empty.', 'Describe the job, e.g. baton run "add input validation to the signup form".', 'usage');
  const epicId = state.parentTaskId || undefined;
  const prompt = analyzePrompt(state.task, ctx.team.agents, ctx.lessons, { epics: canNest(state, ctx.team), epicId });
  const plan = await ctx.gateway.structured(
    // Inside a sub-workflow, the orchestrator's calls count against its epic (cost roll-ups).
    { workflowId: state.workflowId, agentId: 'orchestrator', taskId: epicId, signal: ctx.signal },
    [new SystemMessage(prompt.system), new HumanMessage(prompt.user)],
    planSchemaFor(teamCapabilities(ctx.team.agents)),
    'plan',
    (p) => planProblems(p.tasks),
  );
  // Models word capabilities their own way: the plan keeps the team's words wherever one means the same.
  const worded = plan.tasks.map((t) => ({ ...t, capabilities: inTeamWords(t.capabilities, ctx.team.agents) }));
  const tasks = epicId ? withPrefix(worded, `${epicId}-`) : worded;
  ctx.bus.emit(state.workflowId, 'plan.created', {
    rationale: plan.rationale,
    tasks: tasks.map((t) => ({ id: t.id, title: t.title, description: t.description, capabilities: t.capabilities, dependsOn: t.dependsOn, parentId: epicId })),
  });
  return { plan: tasks, planRationale: plan.rationale };
}

/** A sub-workflow's task ids start with its epic's, so events, commits and approvals never mix them up with the parent's. */
function withPrefix(tasks: PlannedTask[], prefix: string): PlannedTask[] {
  return tasks.map((t) => ({ ...t, id: prefix + t.id, dependsOn: t.dependsOn.map((d) => prefix + d) }));
}
