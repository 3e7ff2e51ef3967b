import { z } from 'zod';
import * as data from './eventData';

// The wire envelope is a public contract (DESIGN.md §2, `baton run --json`):
// {"v":1,"seq":N,"ts":"ISO-8601","workflowId":"...","type":"...","agent":"...","data":{...}}

const envelopeFields = {
  v: z.literal(1),
  seq: z.number().int().positive(),
  ts: z.iso.datetime({ offset: true }),
  workflowId: z.string().min(1),
};

function workflowEvent<T extends string, D extends z.ZodType>(type: T, payload: D) {
  return z.object({ ...envelopeFields, type: z.literal(type), agent: z.string().min(1).optional(), data: payload });
}

// Events about one agent's own work must say which agent: the monitor and the threads group by it.
function agentEvent<T extends string, D extends z.ZodType>(type: T, payload: D) {
  return z.object({ ...envelopeFields, type: z.literal(type), agent: z.string().min(1), data: payload });
}

export const batonEventSchema = z.discriminatedUnion('type', [
  workflowEvent('workflow.started', data.workflowStarted),
  workflowEvent('plan.created', data.planCreated),
  workflowEvent('task.routed', data.taskRouted),
  agentEvent('agent.started', data.agentStarted),
  agentEvent('agent.message', data.agentMessage),
  agentEvent('agent.tool_call', data.agentToolCall),
  agentEvent('agent.tool_refused', data.agentToolRefused),
  agentEvent('agent.committed', data.agentCommitted),
  agentEvent('agent.finished', data.agentFinished),
  agentEvent('agent.failed', data.agentFailed),
  workflowEvent('handoff.sent', data.handoffSent),
  workflowEvent('handoff.accepted', data.handoffAccepted),
  workflowEvent('handoff.rejected', data.handoffRejected),
  workflowEvent('review.verdict', data.reviewVerdict),
  workflowEvent('approval.requested', data.approvalRequested),
  workflowEvent('approval.resolved', data.approvalResolved),
  workflowEvent('cost.recorded', data.costRecorded),
  workflowEvent('budget.warning', data.budgetWarning),
  workflowEvent('budget.exceeded', data.budgetExceeded),
  workflowEvent('conflict.detected', data.conflictDetected),
  workflowEvent('conflict.resolved', data.conflictResolved),
  workflowEvent('snapshot.created', data.snapshotCreated),
  workflowEvent('rollback.done', data.rollbackDone),
  workflowEvent('workflow.paused', data.workflowPaused),
  workflowEvent('workflow.resumed', data.workflowResumed),
  workflowEvent('workflow.completed', data.workflowCompleted),
  workflowEvent('workflow.failed', data.workflowFailed),
  workflowEvent('workflow.cancelled', data.workflowCancelled),
  workflowEvent('circuit.state', data.circuitState),
  workflowEvent('model.fallback', data.modelFallback),
  workflowEvent('config.ignored', data.configIgnored),
]);

/** One event as stored and sent, defaults applied. */
export type BatonEvent = z.output<typeof batonEventSchema>;
export type EventType = BatonEvent['type'];
export type EventOf<T extends EventType> = Extract<BatonEvent, { type: T }>;
/** The payload listeners receive (defaults filled in). */
export type EventData<T extends EventType> = EventOf<T>['data'];
/** The payload an emitter passes: fields with defaults may be left out. */
export type EventDataInput<T extends EventType> = Extract<z.input<typeof batonEventSchema>, { type: T }>['data'];

export const eventTypes: readonly EventType[] = batonEventSchema.options.map((option) => option.shape.type.value);

const terminalTypes: ReadonlySet<EventType> = new Set(['workflow.completed', 'workflow.failed', 'workflow.cancelled']);

/** The workflow has ended: resources kept per workflow (open files, counters) can be released. */
export function isTerminalEvent(event: BatonEvent): boolean {
  return terminalTypes.has(event.type);
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (eventTypes as readonly string[]).includes(value);
}

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    message: string,
    readonly issues: readonly string[],
  ) {
    super(message);
  }
}

/** Validates one envelope, e.g. a line of an audit log or of `baton run --json`. Throws InvalidEventError. */
export function parseEvent(json: unknown): BatonEvent {
  const result = batonEventSchema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
  const issues = describeIssues(result.error.issues);
  const what = isEventType(type) ? `${type} event` : 'event';
  throw new InvalidEventError(`Invalid ${what}: ${issues.join('; ')}`, issues);
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.length === 0 ? '(envelope)' : issue.path.map(String).join('.');
    if (issue.code === 'invalid_union' && issue.discriminator === 'type') {
      const input: unknown = issue.input;
      const type = typeof input === 'object' && input !== null && 'type' in input ? input.type : input;
      return `type: ${JSON.stringify(type) ?? 'undefined'} is not a Baton event type (known: ${eventTypes.join(', ')})`;
    }
    return `${path}: ${issue.message}`;
  });
}
