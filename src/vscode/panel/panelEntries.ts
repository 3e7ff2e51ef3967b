import { describeRequests } from '../../core/config/repoRequests';
import type { BatonEvent } from '../../core/events/events';
import type { PanelEntry } from '../../protocol/panelEntries';

const orchestrator = 'orchestrator';

/**
 * Turns one workflow's events into the panel's entries. Stateful because a review verdict names a
 * task, not its author: the author's thread shows the verdict too, so it remembers who works on what.
 * Pure (no editor API), so plain mocha tests it.
 */
export class PanelEntryMapper {
  private readonly owners = new Map<string, string>();

  map(e: BatonEvent): PanelEntry[] {
    const base = { seq: e.seq, ts: e.ts };
    const agent = e.agent ?? orchestrator;
    switch (e.type) {
      case 'agent.started':
        this.owners.set(e.data.taskId, e.agent);
        return [{ ...base, agent, kind: 'step', step: 'started', taskId: e.data.taskId, text: `Started ${e.data.taskId}${e.data.attempt > 1 ? ` (attempt ${e.data.attempt})` : ''} on ${e.data.branch}${e.data.model ? ` with ${e.data.model}` : ''}` }];
      case 'agent.message':
        return [{ ...base, agent, kind: 'message', role: e.data.role, taskId: e.data.taskId, markdown: e.data.content }];
      case 'agent.tool_call':
        return [{ ...base, agent, kind: 'tool', taskId: e.data.taskId, tool: e.data.tool, args: e.data.args, ok: e.data.ok, error: e.data.error }];
      case 'agent.tool_refused':
        return [{ ...base, agent, kind: 'tool', taskId: e.data.taskId, tool: e.data.tool, args: e.data.args, ok: false, error: e.data.reason, refused: true }];
      case 'agent.committed':
        return [{ ...base, agent, kind: 'step', step: 'committed', taskId: e.data.taskId, text: `Committed ${e.data.sha.slice(0, 7)}: ${e.data.message}`, files: e.data.files }];
      case 'agent.finished':
        return [{ ...base, agent, kind: 'step', step: 'finished', taskId: e.data.taskId, text: `Finished ${e.data.taskId} (confidence ${Math.round(e.data.confidence * 100)}%): ${e.data.summary}` }];
      case 'agent.failed':
        return [{ ...base, agent, kind: 'step', step: 'failed', taskId: e.data.taskId, text: `Failed ${e.data.taskId} (${e.data.kind}): ${e.data.error}` }];
      case 'handoff.sent': {
        const h = { ...base, kind: 'handoff' as const, from: e.data.from, to: e.data.to, intent: e.data.intent, message: e.data.message, state: 'sent' as const };
        return [{ ...h, agent: e.data.from }, { ...h, agent: e.data.to }];
      }
      case 'handoff.accepted':
      case 'handoff.rejected': {
        const state = e.type === 'handoff.accepted' ? 'accepted' as const : 'rejected' as const;
        const detail = e.type === 'handoff.rejected' ? e.data.reason : undefined;
        const h = { ...base, kind: 'handoff' as const, from: e.data.from, to: e.data.to, intent: e.data.handoffId, message: '', state, detail };
        return [{ ...h, agent: e.data.from }, { ...h, agent: e.data.to }];
      }
      case 'review.verdict': {
        const v = { ...base, kind: 'verdict' as const, taskId: e.data.taskId, reviewer: e.data.reviewer, verdict: e.data.verdict, round: e.data.round, comments: e.data.comments, findings: e.data.findings.length };
        const author = this.owners.get(e.data.taskId);
        return author && author !== e.data.reviewer ? [{ ...v, agent: e.data.reviewer }, { ...v, agent: author }] : [{ ...v, agent: e.data.reviewer }];
      }
      case 'cost.recorded':
        return [{ ...base, agent: e.agent ?? (e.data.taskId ? this.owners.get(e.data.taskId) : undefined) ?? orchestrator, kind: 'cost', usd: e.data.usd, totalUsd: e.data.totalUsd, model: e.data.model }];
      case 'plan.created':
        return [{ ...base, agent, kind: 'notice', text: `Planned ${e.data.tasks.length} task(s): ${e.data.tasks.map((t) => `${t.id} ${t.title}`).join('; ')}` }];
      case 'task.routed':
        return [{ ...base, agent, kind: 'notice', text: `Routed ${e.data.taskId} to ${e.data.agentId} (${e.data.strategy}): ${e.data.rationale}` }];
      case 'approval.requested':
        return [{ ...base, agent, kind: 'notice', text: `Waiting for approval (${e.data.trigger}): ${e.data.reason}` }];
      case 'approval.resolved':
        return [{ ...base, agent, kind: 'notice', text: `Approval ${e.data.approvalId}: ${e.data.decision === 'approve' ? 'approved' : 'rejected'} by ${e.data.by}${e.data.reason ? ` (${e.data.reason})` : ''}` }];
      case 'config.ignored':
        return [{ ...base, agent, kind: 'notice', text: `Not used: ${e.data.file} asks ${describeRequests({ check: e.data.check, commands: e.data.commands, network: e.data.network })}, and ${e.data.reason === 'declined' ? 'you chose to run without it' : 'you have not trusted it'}. This workflow runs with your own settings; trust it with \`baton trust\` (or when Baton asks before a workflow starts).` }];
      case 'workflow.completed':
        return [{ ...base, agent, kind: 'notice', text: `Workflow completed: ${e.data.summary}` }];
      case 'workflow.failed':
        return [{ ...base, agent, kind: 'notice', text: `Workflow failed: ${e.data.error}` }];
      default:
        return [];
    }
  }
}

/** All entries of a stretch of events, in order. */
export function panelEntries(events: readonly BatonEvent[], mapper = new PanelEntryMapper()): PanelEntry[] {
  return events.flatMap((e) => mapper.map(e));
}
