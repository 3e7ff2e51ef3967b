import { existsSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { runAgent } from '../../agents/agentLoop';
import type { HandoffRequest } from '../../agents/agentLoop';
import { defaultToolLimits } from '../../agents/tools/toolTypes';
import type { AgentConfig } from '../../config/teamSchema';
import { errorMessage } from '../../errors';
import type { Workspace } from '../../git/workspaces';
import { worktreeLock } from '../agentLocks';
import type { EngineContext } from '../context';
import { agentSystemPrompt } from '../prompts';
import { handoffMessageSchema } from '../schemas';
import type { HandoffMessage } from '../schemas';
import type { TaskInput } from '../state';
import { abandonWork, trashRef } from './abandonWork';

export interface HandoffOutcome {
  delivered: HandoffMessage[];
  /** Sentences appended to the task's summary: what was handed off, refused or reverted. */
  notes: string[];
}

/** Checks a handoff on receipt; problems are sentences for the audit log and the sender. */
export function verifyHandoff(message: HandoffMessage, team: AgentConfig[], senderRoot: string): string[] {
  const problems: string[] = [];
  const schema = handoffMessageSchema.safeParse(message);
  if (!schema.success) problems.push(...schema.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  if (!team.some((a) => a.id === message.to)) problems.push(`"${message.to}" is not in the team`);
  if (message.to === message.from) problems.push('an agent cannot hand off to itself');
  for (const a of message.artifacts) {
    const p = normalize(a);
    if (isAbsolute(p) || p.startsWith('..')) problems.push(`artifact "${a}" is outside the sender's worktree`);
    else if (!existsSync(join(senderRoot, p))) problems.push(`artifact "${a}" does not exist in ${message.from}'s branch`);
  }
  return problems;
}

/**
 * Delivers the handoffs an agent made: each is verified on receipt, then the receiving agent does
 * the work on its own branch, and the result is checked against what the sender expected. A
 * handoff that fails verification is refused; one whose work fails is reverted, so no half-done
 * state stays behind.
 */
export async function deliverHandoffs(ctx: EngineContext, input: TaskInput, sender: AgentConfig, senderWs: Workspace, requests: HandoffRequest[]): Promise<HandoffOutcome> {
  const outcome: HandoffOutcome = { delivered: [], notes: [] };
  const { workflowId, task } = input;
  for (const [i, r] of requests.entries()) {
    const message: HandoffMessage = {
      id: `${task.id}-h${i + 1}`, from: sender.id, to: r.to, intent: r.intent, urgency: r.urgency ?? 'normal',
      context: `Part of task ${task.id} "${task.title}" of the job: ${task.description}`,
      message: r.message, artifacts: r.artifacts ?? [], expectedOutput: `Work that accomplishes: ${r.intent}`,
    };
    const parties = { handoffId: message.id, from: message.from, to: message.to, taskId: task.id };
    ctx.bus.emit(workflowId, 'handoff.sent', { ...parties, intent: message.intent, message: message.message, urgency: message.urgency, artifacts: message.artifacts });
    const problems = verifyHandoff(message, ctx.team.agents, senderWs.path);
    if (problems.length) {
      ctx.bus.emit(workflowId, 'handoff.rejected', { ...parties, reason: 'failed verification on receipt', problems });
      outcome.notes.push(`Handoff to ${message.to} was refused (${problems.join('; ')}); the work stays with ${sender.id}.`);
      continue;
    }
    const receiver = ctx.team.agents.find((a) => a.id === message.to)!;
    ctx.bus.emit(workflowId, 'handoff.accepted', parties);
    const ws = await ctx.workspaces.ensure(workflowId, receiver.id, ctx.baseCommit);
    const note = await worktreeLock(ctx.workspaces, workflowId, receiver.id).run(() => receive(ctx, input, message, receiver, ws, senderWs));
    if (note.delivered) outcome.delivered.push(message);
    outcome.notes.push(note.text);
  }
  return outcome;
}

/** The receiver's work on its own branch; on failure it is moved off that branch, and the sender is told. */
async function receive(ctx: EngineContext, input: TaskInput, message: HandoffMessage, receiver: AgentConfig, ws: Workspace, senderWs: Workspace): Promise<{ delivered: boolean; text: string }> {
  const { workflowId, task } = input;
  const parties = { handoffId: message.id, from: message.from, to: message.to, taskId: task.id };
  const step = `${workflowId}/${task.id}/${receiver.id}/${message.id}`;
  const before = await ctx.workspaces.headOf(ws);
  try {
    const result = await runAgent({
      gateway: ctx.gateway, bus: ctx.bus, agent: receiver,
      call: { workflowId, agentId: receiver.id, taskId: task.id, model: receiver.model, signal: ctx.signal },
      tools: { root: ws.path, signal: ctx.signal, allowCommands: ctx.allowCommands, commands: ctx.commands, limits: defaultToolLimits },
      system: agentSystemPrompt(receiver, task.title),
      prompt: [`Handoff from ${message.from} (${message.urgency} urgency): ${message.intent}`, message.message, message.context,
        ...(message.artifacts.length ? [`Look at: ${message.artifacts.join(', ')} (in ${message.from}'s branch ${senderWs.branch})`] : []),
        `Expected back: ${message.expectedOutput}`].join('\n'),
      maxSteps: ctx.team.limits.maxSteps,
      timeoutMs: ctx.team.limits.timeoutSeconds * 1000,
    });
    if (!result.finished) throw new Error(result.end === 'no-finish' ? `${receiver.id} stopped without calling finish${result.summary ? `: ${result.summary.slice(0, 200)}` : ''}` : result.summary);
    const committed = await ctx.workspaces.commit(ws, step, `${message.intent} (handoff ${message.id} from ${message.from})`, {
      'Baton-Workflow': workflowId, 'Baton-Task': task.id, 'Baton-Agent': receiver.id,
    });
    if (committed) ctx.bus.emit(workflowId, 'agent.committed', { taskId: task.id, branch: ws.branch, sha: committed.sha, message: message.intent, files: committed.files }, receiver.id);
    return { delivered: true, text: `${receiver.id} took over "${message.intent}": ${result.summary}` };
  } catch (e) {
    const trashed = await abandonWork(ctx, ws, before, step, trashRef(workflowId, message.id), `${message.intent} (handoff ${message.id})`, task.id);
    if (ctx.signal.aborted) throw e;
    const kept = trashed ? ` Its work is kept at ${trashed}.` : '';
    ctx.bus.emit(workflowId, 'handoff.rejected', { ...parties, reason: `the receiver's work failed and was reverted: ${errorMessage(e).slice(0, 300)}.${kept}`, problems: [] });
    return { delivered: false, text: `Handoff to ${message.to} failed and was reverted.${kept}` };
  }
}
