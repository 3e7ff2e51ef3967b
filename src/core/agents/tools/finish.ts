import { z } from 'zod';
import type { AgentTool } from './toolTypes';

// Ending the agent's turn is the engine's job; the tool only makes sure the report is complete and well-formed.

export const finishSchema = z.object({
  summary: z
    .string()
    .trim()
    .min(1)
    .describe('What you did and what is left, for the reviewer and the user: changed files, checks you ran, open questions.'),
  confidence: z
    .number()
    .min(0)
    .max(1)
    .describe('How sure you are that the task is done correctly, from 0 (a guess) to 1 (certain, checked by tests).'),
});

export type FinishArgs = z.infer<typeof finishSchema>;

export const finishTool: AgentTool<typeof finishSchema> = {
  name: 'finish',
  description:
    'Report that you are done with your task, with a summary and your confidence. Call it once, when your work ' +
    'is complete. A low confidence may ask a person to check your work.',
  schema: finishSchema,
  aliases: { summary: ['message', 'result', 'report'], confidence: ['certainty'] },
  async run(args) {
    return { ok: true, output: JSON.stringify(args) };
  },
};
