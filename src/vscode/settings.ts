import * as vscode from 'vscode';
import { resolveModelEndpoint } from '../core/modelEndpoint';
import type { ModelEndpoint } from '../core/modelEndpoint';

/** The endpoint from `baton.model.*` settings, overridden by the environment (DESIGN.md §2). */
export function modelEndpoint(apiKey: string | undefined): ModelEndpoint {
  const c = vscode.workspace.getConfiguration('baton');
  return resolveModelEndpoint(process.env, { baseUrl: c.get<string>('model.baseUrl'), model: c.get<string>('model.name'), apiKey });
}

export function budgetUsd(): number {
  return vscode.workspace.getConfiguration('baton').get<number>('budget.perWorkflowUsd', 2);
}
