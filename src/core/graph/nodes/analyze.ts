import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { BatonError } from '../../errors';
import { engineContext } from '../context';
import { planProblems } from '../planChecks';
import { analyzePrompt } from '../prompts';
import { planSchema } from '../schemas';
import type { WorkflowStateType, WorkflowUpdate } from '../state';

/** Decomposes the job into tasks with dependencies; an invalid plan is sent back with its problems. */
export async function analyze(state: WorkflowStateType, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  if (!state.task.trim()) throw new BatonError('The task is empty.', 'Describe the job, e.g. baton run "add input validation to the signup form".', 'usage');
  const prompt = analyzePrompt(state.task, ctx.team.agents, ctx.lessons);
  const plan = await ctx.gateway.structured(
    { workflowId: state.workflowId, agentId: 'orchestrator', signal: ctx.signal },
    [new SystemMessage(prompt.system), new HumanMessage(prompt.user)],
    planSchema,
    'plan',
    (p) => planProblems(p.tasks),
  );
  ctx.bus.emit(state.workflowId, 'plan.created', {
    rationale: plan.rationale,
    tasks: plan.tasks.map((t) => ({ id: t.id, title: t.title, description: t.description, capabilities: t.capabilities, dependsOn: t.dependsOn })),
  });
  return { plan: plan.tasks, planRationale: plan.rationale };
}
