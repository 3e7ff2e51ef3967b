import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { AgentConfig } from '../config/teamSchema';
import { InvalidStructuredOutput } from '../models/modelGateway';
import type { CallContext, ModelGateway } from '../models/modelGateway';
import { assignmentProblems } from '../graph/planChecks';
import { routePrompt } from '../graph/prompts';
import type { RoutingMemory } from '../graph/prompts';
import { routingSchemaFor } from '../graph/schemas';
import type { PlannedTask, Routing } from '../graph/schemas';
import type { Assignment } from '../graph/state';
import { routeByCapabilities } from './capabilityRouter';

/**
 * Two-phase natural-language routing: the model matches tasks to agents with a rationale, then
 * each assignment is validated (known agent, matching capability, every task once); problems go
 * back to the model before anything runs. The prompt carries each agent's track record by kind of task and
 * the lessons relevant to the job, from the learning memory. When the model's routing is still invalid after
 * its repairs, its valid assignments are kept and the other tasks are routed by capability match, saying so:
 * the wording of a model never fails a workflow.
 */
export async function routeWithModel(gateway: ModelGateway, call: CallContext, tasks: PlannedTask[], team: AgentConfig[], memory?: RoutingMemory): Promise<Record<string, Assignment>> {
  const prompt = routePrompt(tasks, team, memory);
  const schema = routingSchemaFor(tasks.map((t) => t.id), team.map((a) => a.id));
  try {
    const routing = await gateway.structured(call, [new SystemMessage(prompt.system), new HumanMessage(prompt.user)], schema, 'routing', (r) => routingProblems(r, tasks, team));
    return Object.fromEntries(routing.assignments.map((a) => [a.taskId, { agentId: a.agentId, rationale: a.rationale, strategy: 'llm' as const }]));
  } catch (e) {
    if (!(e instanceof InvalidStructuredOutput)) throw e;
    return routeAroundModel(tasks, team, e);
  }
}

function routingProblems(r: Routing, tasks: PlannedTask[], team: AgentConfig[]): string[] {
  const problems: string[] = [];
  for (const t of tasks) problems.push(...taskProblems(r, t, team));
  for (const a of r.assignments) if (!tasks.some((t) => t.id === a.taskId)) problems.push(`"${a.taskId}" is not a task of the plan`);
  return problems;
}

function taskProblems(r: Routing, t: PlannedTask, team: AgentConfig[]): string[] {
  const given = r.assignments.filter((a) => a.taskId === t.id);
  if (given.length === 0) return [`task "${t.id}" has no agent`];
  if (given.length > 1) return [`task "${t.id}" has ${given.length} agents; give it one`];
  return assignmentProblems(t, given[0]!.agentId, team);
}

/** The model's last routing that fit the schema, with its sound assignments kept; the rest by capability match. */
function routeAroundModel(tasks: PlannedTask[], team: AgentConfig[], e: InvalidStructuredOutput): Record<string, Assignment> {
  const last = e.fitting as Routing | undefined;
  const kept: Record<string, Assignment> = {};
  const why: Record<string, string> = {};
  for (const t of tasks) {
    const problems = last ? taskProblems(last, t, team) : e.problems;
    if (problems.length) why[t.id] = problems[0]!;
    else {
      const a = last!.assignments.find((x) => x.taskId === t.id)!;
      kept[t.id] = { agentId: a.agentId, rationale: a.rationale, strategy: 'llm' };
    }
  }
  const attempts = /after (\d+ attempts)/.exec(e.message)?.[1] ?? 'its repairs';
  return routeByCapabilities(tasks.filter((t) => why[t.id]), team, kept, (t) => `the model's routing was set aside (still invalid after ${attempts}: ${why[t.id]})`);
}
