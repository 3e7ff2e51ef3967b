import type { BatonEvent } from '../core/events/events';
import { describeRequests } from '../core/config/repoRequests';
import { formatUsd } from '../core/cost/money';

/** One line per event a person wants to see while a workflow runs; `undefined` hides an event. */
export function describeEvent(e: BatonEvent): string | undefined {
  const who = e.agent ?? '';
  switch (e.type) {
    case 'workflow.started': return [
      `▶ ${e.workflowId}: ${e.data.task} (${e.data.mode}${e.data.budgetUsd !== undefined ? `, budget ${formatUsd(e.data.budgetUsd)}` : ''}${e.data.budgetTokens ? ` or ${e.data.budgetTokens.toLocaleString('en-US')} tokens` : ''})`,
      ...(e.data.unpricedModels?.length ? [`! no price is known for ${e.data.unpricedModels.join(', ')}: their calls count as $0, so the budget also holds as ${(e.data.budgetTokens ?? 0).toLocaleString('en-US')} tokens (set prices in model.pricing, or budget.tokens)`] : []),
    ].join('\n');
    case 'plan.created': return [`plan: ${e.data.tasks.length} task(s)${e.data.rationale ? ` — ${e.data.rationale}` : ''}`,
      ...e.data.tasks.map((t) => `  ${t.id}  ${t.title}${t.dependsOn.length ? ` (after ${t.dependsOn.join(', ')})` : ''}`)].join('\n');
    case 'task.routed': return `  ${e.data.taskId} → ${e.data.agentId} [${e.data.strategy}]: ${e.data.rationale}`;
    case 'agent.started': return `  ${who} started ${e.data.taskId} on ${e.data.branch}`;
    case 'agent.tool_call': return `    ${who} ${e.data.ok ? '·' : '✗'} ${e.data.tool} ${e.data.args}${e.data.error ? ` — ${e.data.error}` : ''}`;
    case 'agent.tool_refused': return `    ${who} refused ${e.data.tool} ${e.data.args}: ${e.data.reason}`;
    case 'agent.committed': return `  ${who} committed ${e.data.sha.slice(0, 7)} on ${e.data.branch} (${e.data.files.length} file(s))`;
    case 'agent.finished': return `  ✓ ${who} finished ${e.data.taskId} (confidence ${e.data.confidence.toFixed(2)}): ${e.data.summary.slice(0, 200)}`;
    case 'agent.failed': return `  ✗ ${who} failed ${e.data.taskId}: ${e.data.error}`;
    case 'review.verdict': return `  ${e.data.reviewer} → ${e.data.verdict} on ${e.data.taskId} (round ${e.data.round})${e.data.verdict === 'approve' ? '' : `: ${e.data.comments.slice(0, 200)}`}`;
    case 'handoff.sent': return `  ${e.data.from} hands off to ${e.data.to}: ${e.data.intent}`;
    case 'handoff.rejected': return `  handoff ${e.data.handoffId} refused: ${e.data.reason}`;
    case 'conflict.detected': return `! ${e.data.kind} conflict between ${e.data.branches.join(' and ')} in ${e.data.files.map((f) => f.path).join(', ')}`;
    case 'conflict.resolved': return `  conflict ${e.data.id} resolved (${e.data.how})`;
    case 'snapshot.created': return `  snapshot ${e.data.snapshot}: ${e.data.reason}`;
    case 'rollback.done': return `↶ rolled back ${rollbackWhere(e.data)} (${e.data.branches.length} branch(es))`;
    case 'approval.requested': return `⏸ approval needed [${e.data.approvalId}] (${e.data.trigger}): ${e.data.reason}`;
    case 'approval.resolved': return `  approval ${e.data.approvalId}: ${e.data.decision}${e.data.by === 'policy' ? ' (by policy)' : ''}${e.data.budgetUsd ? `, budget now ${formatUsd(e.data.budgetUsd)}` : ''}`;
    case 'budget.warning': return `! ${Math.round(e.data.fraction * 100)}% of the budget spent (${formatUsd(e.data.spentUsd)} of ${formatUsd(e.data.budgetUsd)})`;
    case 'budget.exceeded': return e.data.budgetTokens
      ? `! the token budget is reached: ${(e.data.spentTokens ?? 0).toLocaleString('en-US')} of ${e.data.budgetTokens.toLocaleString('en-US')} tokens; no new task starts`
      : `! the budget is reached: ${formatUsd(e.data.spentUsd)} of ${formatUsd(e.data.budgetUsd)}; no new task starts`;
    case 'workflow.paused': return e.data.reason === 'budget' ? `⏸ paused at the budget` : undefined;
    case 'workflow.completed': return `✔ completed: ${e.data.tasksCompleted} task(s) done${e.data.tasksFailed ? `, ${e.data.tasksFailed} failed (optional)` : ''}${e.data.tasksNotRun ? `, ${e.data.tasksNotRun} taken out by you` : ''} in ${(e.data.durationMs / 1000).toFixed(1)} s, ${formatUsd(e.data.costUsd)}`;
    case 'circuit.state': return `${e.data.state === 'closed' ? '  ' : '! '}circuit for ${e.data.agentId} on ${e.data.model} ${e.data.state}${e.data.reason ? `: ${e.data.reason}` : ''}`;
    case 'model.fallback': return `! ${who}: ${e.data.from} failed, trying ${e.data.to} (${e.data.reason})`;
    case 'workflow.failed': return `✖ failed: ${e.data.error}`;
    case 'config.ignored': return `! ${e.data.file} asks ${describeRequests({ check: e.data.check, commands: e.data.commands, network: e.data.network })}: not used, ${e.data.reason === 'declined'
      ? 'as you chose to run without it' : 'as you have not trusted it'}; this workflow runs with your own settings (trust it with: baton trust, or run with --trust-repo-config)`;
    case 'workflow.cancelled': return `■ cancelled${e.data.reason ? `: ${e.data.reason}` : ''}`;
    default: return undefined;
  }
}

function rollbackWhere(d: { level: string; toSnapshot?: number; checkpointId?: string; tasks?: string[] }): string {
  switch (d.level) {
    case 'step': return `${d.tasks?.join(', ')} to run again`;
    case 'checkpoint': return `to checkpoint ${d.checkpointId}`;
    case 'restart': return 'to the start';
    default: return `to snapshot ${d.toSnapshot}`;
  }
}
