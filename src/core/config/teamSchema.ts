import { z } from 'zod';
import { eventTypes } from '../events/events';
import { didYouMean } from './suggest';
import { agentToolNames, approvalTriggers, routingStrategies, workflowModes } from './vocabulary';

// The schema of `.baton/agents.yaml`. Objects are strict: a misspelt key (`capabilites`) is an error with a
// suggestion, never silently ignored. Every constraint carries a message a user can act on.

/** Agent ids become git branch names (`baton/<workflowId>/<agentId>`) and directory names: keep them plain. */
export const agentIdPattern = /^[a-z0-9][a-z0-9-]*$/;

const agentId = z
  .string()
  .max(40, { error: 'an agent id may be at most 40 characters: it becomes part of a branch name' })
  .regex(agentIdPattern, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a valid agent id: use lowercase letters, digits and dashes, starting with a ` +
      `letter or digit (it becomes the branch baton/<workflow>/<id>), e.g. ${toAgentId(String(issue.input))}`,
  })
  // baton/<workflow>/integration is where Baton merges every agent's work (docs/decisions/0012).
  .refine((id) => id !== 'integration', { error: '"integration" is reserved for the branch where Baton merges the agents\' work: give this agent another id, e.g. integrator' });

function toAgentId(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'agent-1'
  );
}

/** A host a sandboxed command may reach: a name (or an address), or `*.example.com` for every name under it; no port. */
const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a host name: write a name such as registry.npmjs.org or *.example.com, without scheme, port or path`,
  });

const nonEmpty = (what: string) => z.string().trim().min(1, { error: `${what} must not be empty` });

export const agentSchema = z.strictObject({
  id: agentId,
  /** Who the agent is, in a line; it opens the agent's system prompt and guides routing. */
  role: nonEmpty('role'),
  /** Matched against the planner's required capabilities when tasks are routed; compared in lowercase. */
  capabilities: z
    .array(nonEmpty('a capability').toLowerCase())
    .min(1, { error: 'list at least one capability, e.g. capabilities: [implement, fix]' }),
  model: nonEmpty('model').optional(),
  // Absent: every tool. A reviewing agent should list read-only tools.
  tools: z.array(z.enum(agentToolNames)).default([...agentToolNames]),
  /**
   * Takes over this agent's task when this agent fails (one hop: a fallback's own fallback is not used).
   * Checked against the team's ids below; a malformed id cannot match one, so no format check here.
   */
  fallback: z.string().optional(),
  /** Extra instructions appended to the agent's system prompt. */
  prompt: z.string().optional(),
  /** A failed optional agent (e.g. the documenter) is reported but does not fail the workflow. */
  optional: z.boolean().default(false),
  /** Event types this agent reacts to in event-driven mode. */
  subscribes: z.array(z.enum(eventTypes)).default([]),
});

export const teamFileSchema = z
  .strictObject({
    // Absent: the built-in team, with this file's policies.
    agents: z
      .array(agentSchema)
      .min(1, { error: 'declare at least one agent, or remove agents: to use the built-in team' })
      .optional(),
    routing: z.strictObject({ strategy: z.enum(routingStrategies).default('llm') }).prefault({}),
    // Absent: the `baton.mode` setting or `--mode` decides.
    mode: z.enum(workflowModes).optional(),
    feedback: z
      .strictObject({
        /** Review-and-revise rounds before a task is escalated to the user. */
        maxRounds: z.int().min(0, { error: 'maxRounds must be 0 or more' }).max(10, { error: 'maxRounds may be at most 10' }).default(3),
      })
      .prefault({}),
    // Approvals from a repository only add to the user's: its triggers join theirs, its confidenceThreshold may only
    // raise theirs and largeChangeFiles only lower Baton's (repoApprovals.ts).
    approvals: z
      .strictObject({
        require: z.array(z.enum(approvalTriggers)).optional(),
        /** A change touching more files than this is a "largeChange". */
        largeChangeFiles: z.int().min(1, { error: 'largeChangeFiles must be at least 1' }).default(10),
        confidenceThreshold: z.number().min(0, { error: 'confidenceThreshold is between 0 and 1' }).max(1, { error: 'confidenceThreshold is between 0 and 1' }).optional(),
      })
      .prefault({}),
    limits: z
      .strictObject({
        /** Model turns one agent may take on one task: stops a looping agent. */
        maxSteps: z.int().min(1, { error: 'maxSteps must be at least 1' }).default(40),
        /** Wall-clock limit of one agent on one task. */
        timeoutSeconds: z.number().positive({ error: 'timeoutSeconds must be more than 0' }).default(900),
        /** Event-driven mode: reactions per workflow, so two agents cannot trigger each other forever. */
        maxReactions: z.int().min(0, { error: 'maxReactions must be 0 or more' }).default(20),
        /** Hierarchical mode: how deep epics may nest; also the longest chain of handoffs. */
        maxDepth: z.int().min(1, { error: 'maxDepth must be at least 1' }).max(5, { error: 'maxDepth may be at most 5' }).default(2),
        /**
         * Hierarchical mode: the share of the workflow's budget each epic's sub-workflow may spend on its
         * own before it stops to ask (its allowance, inside the parent's budget); 1 gives it no allowance of its own.
         */
        epicBudgetShare: z.number().gt(0, { error: 'epicBudgetShare must be more than 0' }).max(1, { error: 'epicBudgetShare may be at most 1 (the whole budget)' }).default(1),
      })
      .prefault({}),
    /**
     * What agents' commands and the check may reach from their sandbox (decision 0023). It widens what agent-written
     * code can reach, so it is a request: it takes effect only once the user trusts this content (repoTrust.ts).
     */
    sandbox: z
      .strictObject({
        /** Hosts commands may reach through Baton's proxy (e.g. registry.npmjs.org); none: no network. */
        network: z.array(hostName).max(50, { error: 'sandbox.network may list at most 50 hosts' }).default([]),
      })
      .optional(),
    // A request, like commands below: it takes effect only once the user trusts this content (repoTrust.ts),
    // and the user's own check (--check, baton.check.command) wins over it.
    /** Run after integration (e.g. `npm test`); a failure sends the work back to the agents. */
    check: z
      .strictObject({
        command: nonEmpty('check.command'),
        /** How long the check may run before it counts as failed. */
        timeoutSeconds: z.number().positive({ error: 'check.timeoutSeconds must be more than 0' }).default(600),
        /** Rounds in which an agent whose branch breaks the check is asked to fix it, before the user is told. */
        fixRounds: z.int().min(0, { error: 'check.fixRounds must be 0 or more' }).max(5, { error: 'check.fixRounds may be at most 5' }).default(1),
      })
      .optional(),
    /** A request: commands agents may run without asking, added to the user's own once the user trusts this content. */
    commands: z.strictObject({ allow: z.array(nonEmpty('a command')).default([]) }).optional(),
  })
  // `when`: cross-references are checked even when other fields are wrong, so one run reports every problem.
  .superRefine((file, ctx) => checkCrossReferences(file, ctx), { when: () => true });

export type AgentConfig = z.output<typeof agentSchema>;
/** What `.baton/agents.yaml` holds after validation: `agents` may still be absent. */
export type TeamFile = z.output<typeof teamFileSchema>;
export type TeamFileInput = z.input<typeof teamFileSchema>;
/** The team Baton runs: the file's policies (or defaults) and its agents (or the built-in ones). */
export type TeamConfig = Omit<TeamFile, 'agents'> & { agents: AgentConfig[] };

// Rules that span fields or agents. Runs on possibly invalid input (see `when` above), so it trusts nothing about
// the shape.
function checkCrossReferences(file: unknown, ctx: z.RefinementCtx): void {
  const agents: unknown[] = isRecord(file) && Array.isArray(file.agents) ? file.agents : [];
  const firstIndex = new Map<string, number>();
  agents.forEach((agent, index) => {
    if (!isRecord(agent) || typeof agent.id !== 'string') return;
    const first = firstIndex.get(agent.id);
    if (first === undefined) firstIndex.set(agent.id, index);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['agents', index, 'id'],
        message: `duplicate agent id "${agent.id}" (already used by agents[${first}]): give each agent its own id`,
      });
    }
  });
  const ids = [...firstIndex.keys()];
  agents.forEach((agent, index) => {
    if (isRecord(agent) && Array.isArray(agent.tools) && !agent.tools.includes('finish')) {
      ctx.addIssue({
        code: 'custom',
        path: ['agents', index, 'tools'],
        message: 'tools must include finish: without it the agent can never report that it is done. Add finish to the list',
      });
    }
    if (!isRecord(agent) || typeof agent.fallback !== 'string') return;
    const path = ['agents', index, 'fallback'];
    if (agent.fallback === agent.id) {
      ctx.addIssue({ code: 'custom', path, message: 'an agent cannot be its own fallback: name another agent or remove fallback' });
    } else if (!firstIndex.has(agent.fallback)) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `fallback "${agent.fallback}" is not an agent of this team${didYouMean(agent.fallback, ids)} (agents: ${ids.join(', ')}): name one of them or remove fallback`,
      });
    }
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
