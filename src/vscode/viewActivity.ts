import { formatUsd } from '../core/cost/money';
import type { BatonEvent } from '../core/events/events';
import type { WorkflowRecord } from '../core/workflowRecords';
import type { AgentSummary, WorkflowAlert, WorkflowStatus, WorkflowSummary } from '../protocol/webview';

interface AgentTally {
  role: string;
  status: AgentSummary['status'];
  currentStep?: string;
  costUsd: number;
}

/**
 * Turns the engine's events and records into what the VS Code views show (the HTTP API keeps its own
 * tally in src/cli/serve/workflowTracker.ts; both read the same events): per workflow, its agents with
 * their status, current step and cost. Pure bookkeeping, fed by WorkflowService.
 */
export class ViewActivity {
  private readonly agents = new Map<string, Map<string, AgentTally>>();
  private readonly live = new Map<string, { status?: WorkflowStatus; costUsd?: number; currentStep?: string; budgetTripped?: string; openCircuits?: Map<string, string> }>();

  constructor(private readonly roleOf: (agentId: string) => string = () => '') {}

  observe(e: BatonEvent): void {
    const live = this.live.get(e.workflowId) ?? {};
    this.live.set(e.workflowId, live);
    const agent = e.agent && e.agent !== 'orchestrator' ? this.agent(e.workflowId, e.agent) : undefined;
    switch (e.type) {
      case 'workflow.started': live.status = 'running'; live.currentStep = 'planning'; break;
      case 'plan.created': live.currentStep = `${e.data.tasks.length} tasks planned`; break;
      case 'agent.started': if (agent) { agent.status = 'working'; agent.currentStep = e.data.taskId; } break;
      case 'agent.tool_call': if (agent) agent.currentStep = `${e.data.taskId}: ${e.data.tool} ${e.data.args}`.slice(0, 80); break;
      case 'agent.finished': if (agent) { agent.status = 'done'; agent.currentStep = `last task ${e.data.taskId}`; } break;
      case 'agent.failed': if (agent) { agent.status = 'failed'; agent.currentStep = e.data.error.slice(0, 80); } break;
      // What was spent is in the status bar and the panel, always current: the event's figure is that of the call that crossed.
      case 'budget.exceeded': live.budgetTripped = e.data.budgetTokens ? `the ${e.data.budgetTokens.toLocaleString('en-US')}-token budget` : `the ${formatUsd(e.data.budgetUsd)} budget`; break;
      case 'circuit.state': {
        // The agent keeps working (on a fallback model, or after the cool-down): say why it is slow.
        const key = `${e.data.agentId} on ${e.data.model}`;
        live.openCircuits ??= new Map();
        if (e.data.state === 'open') live.openCircuits.set(key, e.data.reason ?? 'failing');
        else live.openCircuits.delete(key);
        if (agent) agent.currentStep = e.data.state === 'open' ? `${e.data.model} failing, circuit open` : e.data.state === 'half-open' ? `trying ${e.data.model} again` : agent.currentStep;
        break;
      }
      case 'model.fallback': if (agent) agent.currentStep = `on ${e.data.to} (${e.data.from} failed)`; break;
      case 'cost.recorded': live.costUsd = e.data.totalUsd ?? (live.costUsd ?? 0) + e.data.usd; if (agent) agent.costUsd += e.data.usd; break;
      case 'approval.requested': live.status = 'waiting'; live.currentStep = `waiting for approval: ${e.data.reason}`.slice(0, 120); break;
      case 'workflow.paused': live.status = e.data.reason === 'approval' ? 'waiting' : 'paused'; break;
      case 'workflow.resumed': live.status = 'running'; live.currentStep = undefined; live.budgetTripped = undefined; break;
      // A rollback leaves the workflow paused at where it went back to: no approval it waited for is open any more.
      case 'rollback.done': live.status = 'paused'; live.currentStep = undefined; live.budgetTripped = undefined; break;
      case 'workflow.completed': live.status = 'completed'; live.currentStep = undefined; break;
      case 'workflow.failed': live.status = 'failed'; live.currentStep = e.data.error.slice(0, 120); break;
      case 'workflow.cancelled': live.status = 'cancelled'; live.currentStep = undefined; break;
      default: break;
    }
  }

  summarize(record: WorkflowRecord): WorkflowSummary {
    const live = this.live.get(record.id);
    const agents = [...(this.agents.get(record.id) ?? new Map<string, AgentTally>()).entries()]
      .map(([id, a]) => ({ id, role: a.role, status: a.status, currentStep: a.currentStep, costUsd: a.costUsd }));
    return {
      id: record.id,
      task: record.task,
      status: live?.status ?? record.status,
      mode: record.mode,
      costUsd: Math.max(live?.costUsd ?? 0, record.costUsd),
      budgetUsd: record.budgetUsd,
      agents,
      startedAt: record.createdAt,
      alert: alertOf(live),
    };
  }

  private agent(workflowId: string, agentId: string): AgentTally {
    let byAgent = this.agents.get(workflowId);
    if (!byAgent) this.agents.set(workflowId, (byAgent = new Map()));
    let a = byAgent.get(agentId);
    if (!a) byAgent.set(agentId, (a = { role: this.roleOf(agentId), status: 'idle', costUsd: 0 }));
    return a;
  }
}

function alertOf(live: { budgetTripped?: string; openCircuits?: Map<string, string> } | undefined): WorkflowAlert | undefined {
  if (live?.budgetTripped) return { kind: 'budget', detail: `${live.budgetTripped} is reached` };
  const open = [...(live?.openCircuits ?? new Map<string, string>()).keys()];
  return open.length ? { kind: 'circuit', detail: `circuit open: ${open.join(', ')}` } : undefined;
}
