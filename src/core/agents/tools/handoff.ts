import { z } from 'zod';
import { agentIdPattern } from '../../config/teamSchema';
import type { AgentTool } from './toolTypes';

// The tool only checks the shape; the engine delivers the handoff (and rejects one to an unknown agent, or with
// artifacts that do not exist) because only it knows the team and the other agents' branches.

export const handoffSchema = z.object({
  to: z
    .string()
    .regex(agentIdPattern, { error: 'must be the id of an agent in your team, e.g. "tester" (lowercase letters, digits, dashes)' })
    .describe('Id of the agent in your team to hand the work to, e.g. "tester".'),
  intent: z.string().trim().min(1).describe('What you want from them, in a few words, e.g. "write tests for the parser".'),
  message: z
    .string()
    .trim()
    .min(1)
    .describe('What they need to know: what you did, what is left, where to look. They do not see your conversation.'),
  urgency: z.enum(['low', 'normal', 'high']).optional().describe('How soon it matters; "normal" when left out.'),
  artifacts: z
    .array(z.string().min(1))
    .optional()
    .describe('Files in your working folder they should look at, relative paths, e.g. ["src/parser.ts"].'),
});

export type HandoffArgs = z.infer<typeof handoffSchema>;

export const handoffTool: AgentTool<typeof handoffSchema> = {
  name: 'handoff',
  description:
    'Hand work to another agent of your team, with a message saying what you need and what they should know. ' +
    'Use it when part of the task belongs to another role (testing, review, docs).',
  schema: handoffSchema,
  aliases: { to: ['agent', 'agent_id', 'recipient', 'target', 'to_agent'], intent: ['goal', 'request'], artifacts: ['files'] },
  changes: true,
  async run(args) {
    return { ok: true, output: JSON.stringify(args) };
  },
};
