import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { capabilityOverlap } from '../config/capabilities';
import type { AgentConfig } from '../config/teamSchema';
import { BatonError, errorMessage } from '../errors';
import { successRate, taskKindOf } from '../learningMemory';
import type { AgentTrackRecord } from '../learningMemory';
import { InvalidStructuredOutput } from '../models/modelGateway';
import type { CallContext, ModelGateway } from '../models/modelGateway';
import { bidPrompt } from '../graph/prompts';
import { bidSchema } from '../graph/schemas';
import type { PlannedTask } from '../graph/schemas';
import type { Assignment } from '../graph/state';
import { routeByCapabilities } from './capabilityRouter';

export interface ScoredBid {
  agentId: string;
  fit: number;
  load: number;
  expectedSteps: number;
  score: number;
  note: string;
}

// How a bid is weighed: fit matters most; an agent already loaded with tasks, or expecting a long
// (costly) run, loses ties.
const weights = { fit: 0.6, load: 0.25, cost: 0.15 };

// What an agent did before with this kind of task counts for this much of the score, once it has tried a few:
// a bid is the model's opinion of itself, the track record is what happened.
const experienceWeight = 0.3;

export function scoreBid(fit: number, load: number, expectedSteps: number, maxSteps: number, pastSuccess?: number): number {
  const score = weights.fit * fit + weights.load * (1 / (1 + load)) + weights.cost * (1 - Math.min(expectedSteps, maxSteps) / maxSteps);
  return pastSuccess === undefined ? score : (1 - experienceWeight) * score + experienceWeight * pastSuccess;
}

/**
 * Contract-net routing: for each task, the agents whose capabilities touch it bid (fit and
 * expected steps from the model, load from the assignments so far) and the best score wins.
 * Bidders of one task are asked in parallel. An agent's past success with the task's kind (from the learning
 * memory) is told to it when it bids and weighs in its score.
 */
export async function routeByBids(gateway: ModelGateway, call: CallContext, tasks: PlannedTask[], team: AgentConfig[], maxSteps: number, trackRecords: readonly AgentTrackRecord[] = []): Promise<{ assignments: Record<string, Assignment>; bids: Record<string, ScoredBid[]> }> {
  const load = new Map<string, number>(team.map((a) => [a.id, 0]));
  const assignments: Record<string, Assignment> = {};
  const allBids: Record<string, ScoredBid[]> = {};
  for (const task of tasks) {
    const bidders = team.filter((a) => capabilityOverlap(task.capabilities, a) > 0);
    const candidates = bidders.length ? bidders : team;
    const kind = taskKindOf(task);
    const settled = await Promise.allSettled(candidates.map(async (agent) => {
      const record = trackRecords.find((r) => r.agentId === agent.id && r.taskKind === kind);
      const prompt = bidPrompt(task, agent, record);
      const bid = await gateway.structured({ ...call, agentId: agent.id, model: agent.model }, [new SystemMessage(prompt.system), new HumanMessage(prompt.user)], bidSchema, 'bid');
      const l = load.get(agent.id) ?? 0;
      const past = record && successRate(record);
      const note = past === undefined ? bid.note : `${bid.note} (${record!.succeeded}/${record!.succeeded + record!.failed} ${kind} tasks succeeded before)`;
      return { agentId: agent.id, fit: bid.fit, load: l, expectedSteps: bid.expectedSteps, note, score: scoreBid(bid.fit, l, bid.expectedSteps, maxSteps, past) };
    }));
    if (call.signal?.aborted) throw new BatonError('The workflow was cancelled.', undefined, 'cancelled');
    // A bidder whose model fails simply does not bid; only when nobody could bid does routing fail.
    const bids = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (!bids.length) {
      const reasons = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      // Bids that never fit the schema are the model's wording, not a broken endpoint: route by capability instead.
      if (reasons.every((r) => r instanceof InvalidStructuredOutput)) {
        const routed = routeByCapabilities([task], team, assignments, () => `no bid could be read (${errorMessage(reasons[0]).slice(0, 200)})`)[task.id]!;
        load.set(routed.agentId, (load.get(routed.agentId) ?? 0) + 1);
        assignments[task.id] = routed;
        continue;
      }
      throw new BatonError(`No agent could bid for task ${task.id}: ${errorMessage(reasons[0])}`, 'Check the model endpoint, or use routing.strategy llm in .baton/agents.yaml.', 'model');
    }
    bids.sort((a, b) => b.score - a.score);
    const winner = bids[0]!;
    load.set(winner.agentId, (load.get(winner.agentId) ?? 0) + 1);
    allBids[task.id] = bids;
    assignments[task.id] = {
      agentId: winner.agentId,
      strategy: 'contract-net',
      rationale: `won the bid with ${winner.score.toFixed(2)} (fit ${winner.fit.toFixed(2)}, ${winner.load} task(s) already, ~${winner.expectedSteps} steps): ${winner.note}`,
    };
  }
  return { assignments, bids: allBids };
}
