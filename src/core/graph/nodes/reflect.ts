import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { errorMessage } from '../../errors';
import { engineContext } from '../context';
import { reflectPrompt } from '../prompts';
import { retrospectiveSchema } from '../schemas';
import type { TaskResult, WorkflowStateType, WorkflowUpdate } from '../state';

export function outcomeOf(state: WorkflowStateType): string {
  return state.plan.map((t) => {
    const r: TaskResult | undefined = state.results[t.id];
    return `- ${t.id} "${t.title}" by ${r?.agentId ?? state.assignments[t.id]?.agentId ?? '?'}: ${r?.status ?? 'not run'}${r ? ` after ${r.rounds} round(s): ${r.summary.slice(0, 300)}` : ''}`;
  }).join('\n');
}

/**
 * The retrospective: what worked, what failed, lessons for the next workflows. A failure here
 * never fails the workflow: the work is done; only the lesson is lost, and that is said.
 */
export async function reflect(state: WorkflowStateType, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  const outcome = outcomeOf(state);
  // A sub-workflow's outcome rolls up into its epic; the lessons are the top workflow's to draw.
  if (state.depth > 0) return { summary: outcome, lessons: [] };
  const prompt = reflectPrompt(state.task, outcome);
  try {
    const retro = await ctx.gateway.structured({ workflowId: state.workflowId, agentId: 'orchestrator', taskId: state.parentTaskId || undefined, signal: ctx.signal }, [new SystemMessage(prompt.system), new HumanMessage(prompt.user)], retrospectiveSchema, 'retrospective');
    return { summary: outcome, lessons: retro.lessons, retrospective: { worked: retro.worked, failed: retro.failed } };
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    return { summary: `${outcome}\n(no retrospective: ${errorMessage(e)})`, lessons: [] };
  }
}
