import type { WorkflowSummary } from '../../protocol/webview';
import { formatUsd as usd } from '../../core/cost/money';

export interface StatusBarLook {
  text: string;
  tooltip: string;
  /** undefined: the status bar's own colours. */
  colour?: 'warning' | 'error';
}


/**
 * What the status bar item says about the workflows: spent against budget and the agents at work.
 * Warning from 80% of the budget; error once the budget breaker trips or an agent's circuit opens,
 * so the user looks before more is spent. No editor API here: plain mocha tests it.
 */
export function statusBarLook(workflows: readonly WorkflowSummary[], defaultBudgetUsd: number): StatusBarLook {
  const live = workflows.filter((w) => ['queued', 'running', 'waiting', 'paused'].includes(w.status));
  // With nothing running, the latest workflow's spend stays in view until the next one starts.
  const shown = live.length ? live : workflows.slice(0, 1);
  const spent = shown.reduce((s, w) => s + w.costUsd, 0);
  const budget = shown.length ? shown.reduce((s, w) => s + w.budgetUsd, 0) : defaultBudgetUsd;
  const agents = live.flatMap((w) => w.agents).filter((a) => a.status === 'working').length;
  const ratio = budget > 0 ? spent / budget : 0;
  const alerts = shown.flatMap((w) => (w.alert ? [`${w.id}: ${w.alert.detail}`] : []));
  const colour = alerts.length || ratio >= 1 ? 'error' : ratio >= 0.8 ? 'warning' : undefined;
  const icon = alerts.length ? '$(error)' : '$(organization)';
  return {
    text: `${icon} ${usd(spent)} / ${usd(budget)}${agents ? ` · ${agents} agent${agents > 1 ? 's' : ''}` : ''}`,
    tooltip: [
      `Baton: ${usd(spent)} spent of a ${usd(budget)} budget${ratio >= 0.8 ? ` (${Math.round(ratio * 100)}%)` : ''}; ${agents} agent(s) working.`,
      ...alerts,
      'Click to open the agent panel.',
    ].join('\n'),
    colour,
  };
}
