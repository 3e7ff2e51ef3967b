import type { Disposable, EventBus } from '../../core/events/eventBus';
import type { BatonEvent } from '../../core/events/events';
import { isTerminalEvent } from '../../core/events/events';
import type { WorkflowProgress } from '../../core/workflowRecords';

export type AgentStatus = 'working' | 'done' | 'failed' | 'idle';

/** One agent's part in a workflow, as the HTTP API reports it. */
export interface AgentSummary {
  agentId: string;
  /** working: on a task now; done/failed: how its last task ended; idle: only planned, routed or reviewed. */
  status: AgentStatus;
  /** The task it works on now, else the last one it worked on. */
  currentTask: { id: string; title?: string } | undefined;
  tasksDone: number;
  tasksFailed: number;
  costUsd: number;
}

/** What the events say about a workflow while it runs; the records only catch up when a run stops. */
export interface WorkflowActivity {
  progress: WorkflowProgress | undefined;
  step: string | undefined;
  agents: AgentSummary[];
  costUsd: number;
  /** Time spent running (paused time excluded), for the completion estimate. */
  activeMs: number;
  lastEvent: BatonEvent | undefined;
}

interface AgentTally {
  active: string[];
  lastTask?: string;
  lastEnd?: 'done' | 'failed';
  done: number;
  failed: number;
  costUsd: number;
}

interface WorkflowLog {
  events: BatonEvent[];
  tasks: Map<string, { title?: string; state: 'planned' | 'working' | 'done' | 'failed' }>;
  planned: number | undefined;
  agents: Map<string, AgentTally>;
  costUsd: number;
  phase: string | undefined;
  activeMs: number;
  runningSince: number | undefined;
  subscribers: Set<(event: BatonEvent) => void>;
}

export interface TrackerLimits {
  /** Events kept per workflow for replay; older ones are dropped (the audit log keeps them all). */
  maxEventsPerWorkflow?: number;
  /** Workflows kept; the oldest ended one without listeners is forgotten first. */
  maxWorkflows?: number;
}

const phases: Partial<Record<BatonEvent['type'], string>> = {
  'workflow.started': 'planning the work',
  'workflow.resumed': 'resuming',
  'task.routed': 'routing tasks to agents',
  'review.verdict': 'reviewing',
  'approval.requested': 'waiting for approval',
  'workflow.paused': 'paused',
};

/**
 * Watches the bus with one listener for the whole server: keeps each workflow's recent events for
 * replay, fans them out to the open event streams, and tallies agents, progress and cost.
 */
export class WorkflowTracker implements Disposable {
  private readonly logs = new Map<string, WorkflowLog>();
  private readonly subscription: Disposable;
  private readonly maxEvents: number;
  private readonly maxWorkflows: number;

  constructor(bus: EventBus, limits: TrackerLimits = {}) {
    this.maxEvents = limits.maxEventsPerWorkflow ?? 5000;
    this.maxWorkflows = limits.maxWorkflows ?? 200;
    this.subscription = bus.on('*', (event) => this.record(event));
  }

  /** Open subscriptions across all workflows, for leak checks. */
  get subscriberCount(): number {
    let n = 0;
    for (const log of this.logs.values()) n += log.subscribers.size;
    return n;
  }

  /** The kept events with a seq after `seq`, oldest first. */
  eventsAfter(workflowId: string, seq: number): BatonEvent[] {
    const events = this.logs.get(workflowId)?.events ?? [];
    const first = events.findIndex((e) => e.seq > seq);
    return first < 0 ? [] : events.slice(first);
  }

  lastEvent(workflowId: string): BatonEvent | undefined {
    return this.logs.get(workflowId)?.events.at(-1);
  }

  /** The oldest seq still kept, when older ones were dropped. */
  oldestKept(workflowId: string): number | undefined {
    return this.logs.get(workflowId)?.events[0]?.seq;
  }

  /** Called with each new event of the workflow, in seq order, until disposed. */
  subscribe(workflowId: string, listener: (event: BatonEvent) => void): Disposable {
    const log = this.logFor(workflowId);
    log.subscribers.add(listener);
    return { dispose: () => void log.subscribers.delete(listener) };
  }

  activity(workflowId: string, now = Date.now()): WorkflowActivity | undefined {
    const log = this.logs.get(workflowId);
    if (!log) return undefined;
    const tasks = [...log.tasks.values()];
    const working = [...log.agents].flatMap(([agentId, a]) => a.active.map((t) => `${agentId} on ${t}${log.tasks.get(t)?.title ? ` (${log.tasks.get(t)!.title})` : ''}`));
    const lastEvent = log.events.at(-1);
    return {
      // While it runs, a task is done or failed once its agent says so; which were never run is known at the end.
      progress: log.planned === undefined ? undefined : { done: tasks.filter((t) => t.state === 'done').length, failed: tasks.filter((t) => t.state === 'failed').length, notRun: 0, total: log.planned },
      step: lastEvent && isTerminalEvent(lastEvent) ? undefined : working.length ? `working: ${working.join(', ')}` : log.phase,
      agents: [...log.agents].map(([agentId, a]) => {
        const taskId = a.active.at(-1) ?? a.lastTask;
        return {
          agentId,
          status: a.active.length ? 'working' : (a.lastEnd ?? 'idle'),
          currentTask: taskId === undefined ? undefined : { id: taskId, title: log.tasks.get(taskId)?.title },
          tasksDone: a.done,
          tasksFailed: a.failed,
          costUsd: a.costUsd,
        };
      }),
      costUsd: log.costUsd,
      activeMs: log.activeMs + (log.runningSince === undefined ? 0 : Math.max(0, now - log.runningSince)),
      lastEvent,
    };
  }

  dispose(): void {
    this.subscription.dispose();
    for (const log of this.logs.values()) log.subscribers.clear();
    this.logs.clear();
  }

  private logFor(workflowId: string): WorkflowLog {
    let log = this.logs.get(workflowId);
    if (!log) {
      log = { events: [], tasks: new Map(), planned: undefined, agents: new Map(), costUsd: 0, phase: undefined, activeMs: 0, runningSince: undefined, subscribers: new Set() };
      this.logs.set(workflowId, log);
      this.evict();
    }
    return log;
  }

  private evict(): void {
    if (this.logs.size <= this.maxWorkflows) return;
    const idle = [...this.logs].filter(([, l]) => l.subscribers.size === 0);
    const victim = idle.find(([, l]) => { const last = l.events.at(-1); return last !== undefined && isTerminalEvent(last); }) ?? idle[0];
    if (victim) this.logs.delete(victim[0]);
  }

  private record(event: BatonEvent): void {
    const log = this.logFor(event.workflowId);
    log.events.push(event);
    if (log.events.length > this.maxEvents) log.events.splice(0, log.events.length - this.maxEvents);
    this.tally(log, event);
    for (const listener of [...log.subscribers]) {
      try {
        listener(event);
      } catch {
        // One broken stream must not keep the event from the others; its own close handler cleans it up.
      }
    }
  }

  private tally(log: WorkflowLog, e: BatonEvent): void {
    const time = Date.parse(e.ts);
    log.phase = phases[e.type] ?? log.phase;
    switch (e.type) {
      case 'workflow.started':
      case 'workflow.resumed':
        log.runningSince ??= time;
        break;
      case 'workflow.paused':
      case 'workflow.completed':
      case 'workflow.failed':
      case 'workflow.cancelled':
        if (log.runningSince !== undefined) log.activeMs += Math.max(0, time - log.runningSince);
        log.runningSince = undefined;
        break;
      case 'plan.created':
        log.planned = e.data.tasks.length;
        log.tasks = new Map(e.data.tasks.map((t) => [t.id, { title: t.title, state: 'planned' }]));
        log.phase = `routing ${e.data.tasks.length} task(s)`;
        break;
      case 'agent.started': {
        const a = this.agent(log, e.agent);
        a.active = [...a.active.filter((t) => t !== e.data.taskId), e.data.taskId];
        a.lastTask = e.data.taskId;
        this.task(log, e.data.taskId).state = 'working';
        break;
      }
      case 'agent.finished':
      case 'agent.failed': {
        const a = this.agent(log, e.agent);
        const ok = e.type === 'agent.finished';
        a.active = a.active.filter((t) => t !== e.data.taskId);
        a.lastTask = e.data.taskId;
        a.lastEnd = ok ? 'done' : 'failed';
        if (ok) a.done++;
        else a.failed++;
        this.task(log, e.data.taskId).state = ok ? 'done' : 'failed';
        break;
      }
      case 'review.verdict':
        this.agent(log, e.data.reviewer);
        log.phase = `reviewing ${e.data.taskId}`;
        break;
      case 'cost.recorded':
        log.costUsd = e.data.totalUsd ?? log.costUsd + e.data.usd;
        if (e.agent) this.agent(log, e.agent).costUsd += e.data.usd;
        break;
      default:
        break;
    }
  }

  private agent(log: WorkflowLog, agentId: string): AgentTally {
    let a = log.agents.get(agentId);
    if (!a) log.agents.set(agentId, (a = { active: [], done: 0, failed: 0, costUsd: 0 }));
    return a;
  }

  private task(log: WorkflowLog, taskId: string): { title?: string; state: 'planned' | 'working' | 'done' | 'failed' } {
    let t = log.tasks.get(taskId);
    if (!t) log.tasks.set(taskId, (t = { state: 'planned' }));
    return t;
  }
}
