import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { AgentConfig } from '../../config/teamSchema';
import { BatonError, errorMessage } from '../../errors';
import type { EngineContext } from '../context';
import { reviewPrompt } from '../prompts';
import { verdictSchema } from '../schemas';
import type { Verdict } from '../schemas';
import type { TaskInput } from '../state';

export interface ReviewOutcome {
  /** The strictest verdict given (reject > request_changes > approve); undefined when nobody reviewed. */
  verdict?: Verdict;
  /** Checkers that were due to review and could not (their model failed, and their fallback too). */
  missing: string[];
}

const strictness = { approve: 0, request_changes: 1, reject: 2 } as const;

/** The team's reviewer and tester check every task except their own. */
export function checkersFor(team: AgentConfig[], author: AgentConfig): AgentConfig[] {
  return ['reviewer', 'tester'].map((id) => team.find((a) => a.id === id)).filter((a): a is AgentConfig => a !== undefined && a.id !== author.id);
}

/**
 * Each checker gives a verdict. A checker whose model fails hands the review to its fallback; it
 * never fails the author's task, which was not at fault.
 */
export async function review(ctx: EngineContext, input: TaskInput, author: AgentConfig, summary: string, diff: string, round: number): Promise<ReviewOutcome> {
  const checkers = checkersFor(ctx.team.agents, author);
  const outcome: ReviewOutcome = { missing: [] };
  for (const checker of checkers) {
    const fallback = ctx.team.agents.find((a) => a.id === checker.fallback && a.id !== author.id && !checkers.includes(a));
    let v: Verdict | undefined;
    for (const who of fallback ? [checker, fallback] : [checker]) {
      try {
        v = await ask(ctx, input, who, summary, diff, round);
        break;
      } catch (e) {
        if (ctx.signal.aborted || (e instanceof BatonError && e.kind === 'cancelled')) throw e;
        const next = who === checker ? fallback : undefined;
        ctx.bus.emit(input.workflowId, 'agent.failed', { taskId: input.task.id, error: `review failed: ${errorMessage(e)}`, kind: 'model', retryable: next !== undefined, optional: who.optional }, who.id);
      }
    }
    if (!v) outcome.missing.push(checker.id);
    else if (!outcome.verdict || strictness[v.verdict] > strictness[outcome.verdict.verdict]) outcome.verdict = v;
  }
  return outcome;
}

async function ask(ctx: EngineContext, input: TaskInput, checker: AgentConfig, summary: string, diff: string, round: number): Promise<Verdict> {
  const prompt = reviewPrompt(checker, input, summary, diff, round);
  const v = await ctx.gateway.structured(
    { workflowId: input.workflowId, agentId: checker.id, taskId: input.task.id, model: checker.model, signal: ctx.signal },
    [new SystemMessage(prompt.system), new HumanMessage(prompt.user)], verdictSchema, 'verdict');
  ctx.bus.emit(input.workflowId, 'review.verdict', { taskId: input.task.id, reviewer: checker.id, verdict: v.verdict, round, comments: v.comments, findings: v.findings });
  return v;
}

/** The critique the author receives for the next round. */
export function critiqueOf(v: Verdict): string {
  return v.comments + v.findings.map((f) => `\n- [${f.severity}] ${f.path ?? ''}${f.line ? `:${f.line}` : ''} ${f.message}`).join('');
}
