import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { AgentConfig } from '../config/teamSchema';
import type { CallContext, ModelGateway } from '../models/modelGateway';
import { assignmentProblems } from '../graph/planChecks';
import { routePrompt } from '../graph/prompts';
import type { RoutingMemory } from '../graph/prompts';
import { routingSchema } from '../graph/schemas';
import type { PlannedTask } from '../graph/schemas';
import type { Assignment } from '../graph/state';

/**
 * Two-phase natural-language routing: the model matches tasks to agents with a rationale, then
 * each assignment is validated (known agent, matching capability, every task once); problems go
 * back to the model before anything runs. The prompt carries each agent's track record by kind of task and
 * the lessons relevant to the job, from the learning memory.
 */
export async function routeWithModel(gateway: ModelGateway, call: CallContext, tasks: PlannedTask[], team: AgentConfig[], memory?: RoutingMemory): Promise<Record<string, Assignment>> {
  const prompt = routePrompt(tasks, team, memory);
  const routing = await gateway.structured(call, [new SystemMessage(prompt.system), new HumanMessage(prompt.user)], routingSchema, 'routing', (r) => {
    const problems: string[] = [];
    for (const t of tasks) {
      const given = r.assignments.filter((a) => a.taskId === t.id);
      if (given.length === 0) problems.push(`task "${t.id}" has no agent`);
      else if (given.length > 1) problems.push(`task "${t.id}" has ${given.length} agents; give it one`);
      else problems.push(...assignmentProblems(t, given[0]!.agentId, team));
    }
    for (const a of r.assignments) if (!tasks.some((t) => t.id === a.taskId)) problems.push(`"${a.taskId}" is not a task of the plan`);
    return problems;
  });
  return Object.fromEntries(routing.assignments.map((a) => [a.taskId, { agentId: a.agentId, rationale: a.rationale, strategy: 'llm' as const }]));
}
