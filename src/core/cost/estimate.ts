import { countTokens } from 'gpt-tokenizer';
import { definitionOf, toolsFor } from '../agents/tools/registry';
import type { AgentConfig, TeamConfig } from '../config/teamSchema';
import { agentSystemPrompt, analyzePrompt, reflectPrompt, routePrompt } from '../graph/prompts';
import type { Pricing } from './pricing';
import { formatUsd } from './money';

export interface CostEstimate {
  /** The likely cost in US dollars, with a low and a high end. */
  usd: number;
  lowUsd: number;
  highUsd: number;
  /** Tokens behind the likely cost. */
  promptTokens: number;
  completionTokens: number;
  /** False when a model has no known price (a local model, or one missing from `baton.model.pricing`): its tokens cost 0 here. */
  priced: boolean;
  unpricedModels: string[];
  /** `prompts`: from the prompts Baton will send; `history`: refined by the cost of past workflows here. */
  basis: 'prompts' | 'history';
  pastRuns: number;
}

export interface EstimateInput {
  task: string;
  team: TeamConfig;
  /** The default model; agents may name their own. */
  model: string;
  pricing: Pricing;
  lessons?: string[];
  /** What earlier completed workflows of this repository cost, in US dollars (learning memory). */
  pastCostsUsd?: readonly number[];
}

/**
 * The shape of a workflow before it is planned, at its low, likely and high end: how many tasks
 * the plan has, how many model turns an agent takes on one, how much each turn adds to the
 * conversation (a file written or read) and how long a reply is. Calibrated on Baton's own test
 * workloads, where the likely figure lands within 2x of the measured cost (test/unit/costEstimate).
 */
const shapes = {
  low: { tasks: 2, turns: 2, growth: 120, reply: 60, reviewRounds: 1 },
  likely: { tasks: 4, turns: 4, growth: 250, reply: 120, reviewRounds: 1 },
  high: { tasks: 6, turns: 10, growth: 600, reply: 350, reviewRounds: 2 },
} as const;
type Shape = (typeof shapes)[keyof typeof shapes];

const planTokensPerTask = 90;
const routeTokensPerTask = 45;
const reviewPromptTokens = 180;
const reviewReplyTokens = 120;
const reflectReplyTokens = 220;

/**
 * Estimates a workflow's cost before it runs, from the prompts Baton will send (counted with
 * gpt-tokenizer) times the work a plan usually holds; with three or more past workflows on this
 * repository, their costs set the likely figure and widen the range where they disagree.
 */
export function estimateCost(input: EstimateInput): CostEstimate {
  const priced = new Set<string>();
  const unpriced = new Set<string>();
  const usdOf = (model: string, prompt: number, completion: number): number => {
    (input.pricing.priceOf(model).known ? priced : unpriced).add(model);
    // Priced uncached: what a provider will cache is not known before the run, so this is the upper figure.
    return input.pricing.usd(model, { promptTokens: prompt, completionTokens: completion });
  };
  const tally = (shape: Shape) => {
    let usd = 0;
    let prompt = 0;
    let completion = 0;
    const add = (model: string, p: number, c: number) => {
      usd += usdOf(model, p, c);
      prompt += p;
      completion += c;
    };
    const analyze = analyzePrompt(input.task, input.team.agents, input.lessons ?? []);
    add(input.model, tokens(analyze.system + analyze.user), shape.tasks * planTokensPerTask);
    const route = routePrompt([], input.team.agents);
    add(input.model, tokens(route.system) + shape.tasks * routeTokensPerTask, shape.tasks * routeTokensPerTask);
    const workers = input.team.agents.filter((a) => !isReviewer(a));
    const reviewer = input.team.agents.find(isReviewer);
    for (let t = 0; t < shape.tasks; t++) {
      const agent = workers[t % Math.max(1, workers.length)] ?? input.team.agents[0]!;
      const fixed = tokens(agentSystemPrompt(agent, input.task)) + tokens(JSON.stringify(toolsFor(agent.tools).map(definitionOf))) + tokens(input.task);
      // Each turn resends the conversation so far, which grows by what the last turn read or wrote.
      const turnPrompts = shape.turns * fixed + shape.growth * (shape.turns * (shape.turns - 1)) / 2;
      add(agent.model ?? input.model, turnPrompts, shape.turns * shape.reply);
      if (reviewer) {
        for (let r = 0; r < shape.reviewRounds; r++) add(reviewer.model ?? input.model, reviewPromptTokens + shape.growth * shape.turns, reviewReplyTokens);
      }
    }
    const reflect = reflectPrompt(input.task, '');
    add(input.model, tokens(reflect.system + reflect.user) + shape.tasks * 60, reflectReplyTokens);
    return { usd, prompt, completion };
  };
  const low = tally(shapes.low);
  const likely = tally(shapes.likely);
  const high = tally(shapes.high);
  const past = (input.pastCostsUsd ?? []).filter((c) => c > 0);
  const fromHistory = past.length >= 3;
  const pastMedian = fromHistory ? median(past) : 0;
  return {
    usd: fromHistory ? pastMedian : likely.usd,
    lowUsd: fromHistory ? Math.min(low.usd, Math.min(...past)) : low.usd,
    highUsd: fromHistory ? Math.max(high.usd, Math.max(...past)) : high.usd,
    promptTokens: likely.prompt,
    completionTokens: likely.completion,
    priced: unpriced.size === 0,
    unpricedModels: [...unpriced],
    basis: fromHistory ? 'history' : 'prompts',
    pastRuns: past.length,
  };
}

/** "estimated $0.42 (range $0.30–0.65), budget $2.00", or why there is no dollar figure. */
export function describeEstimate(e: CostEstimate, budgetUsd: number): string {
  const tokensText = `${Math.round((e.promptTokens + e.completionTokens) / 1000)}k tokens`;
  if (!e.priced && e.usd === 0) {
    return `estimated ${tokensText}; no price is known for ${e.unpricedModels.join(', ')} (set baton.model.pricing, or 0 for a local model), budget ${formatUsd(budgetUsd)}`;
  }
  const basis = e.basis === 'history' ? `, from ${e.pastRuns} earlier workflows` : '';
  return `estimated ${formatUsd(e.usd)} (range ${formatUsd(e.lowUsd)}–${formatUsd(e.highUsd)}, ${tokensText}${basis}), budget ${formatUsd(budgetUsd)}`;
}

function tokens(text: string): number {
  return countTokens(text);
}

function isReviewer(agent: AgentConfig): boolean {
  return agent.capabilities.includes('review');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
