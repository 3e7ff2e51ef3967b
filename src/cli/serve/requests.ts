import { z } from 'zod';
import { workflowModes } from '../../core/config/vocabulary';

// The request bodies of the HTTP API (DESIGN.md §2). Strict: a misspelt field is an error, not a default.

export const startWorkflowBody = z.strictObject({
  task: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters'),
  mode: z.enum(workflowModes).optional(),
  budgetUsd: z.number().positive('must be more than 0').max(10_000, 'must be at most 10000').optional(),
});

export const decisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(2000, 'must be at most 2000 characters').optional(),
  /** Approving a budget stop: the new budget, which only a person sets. */
  budgetUsd: z.number().positive('must be more than 0').max(10_000, 'must be at most 10000').optional(),
});

/** Workflow and approval ids as Baton makes them; anything else cannot exist, so it is a 404 without a lookup. */
export const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
