import { z } from 'zod';
import type { AgentToolName } from '../../config/vocabulary';
import type { ToolDefinition } from '../../models/modelGateway';
import { editFileTool } from './editFile';
import { finishTool } from './finish';
import { handoffTool } from './handoff';
import { listFilesTool } from './listFiles';
import { readFileTool } from './readFile';
import { runCommandTool } from './runCommand';
import { searchFilesTool } from './searchFiles';
import { expectedArguments, prepareArguments, withNotes } from './toolArguments';
import { describeError } from './toolResults';
import type { AgentTool, ToolContext, ToolResult } from './toolTypes';
import { writeFileTool } from './writeFile';

/** Every tool, in the order the model is shown them. */
export const allTools: readonly AgentTool[] = [
  readFileTool,
  writeFileTool,
  editFileTool,
  listFilesTool,
  searchFilesTool,
  runCommandTool,
  handoffTool,
  finishTool,
];

/** The tools an agent was given (`tools:` in .baton/agents.yaml), in the usual order whatever order they were listed in. */
export function toolsFor(names: readonly AgentToolName[]): AgentTool[] {
  return allTools.filter((tool) => names.includes(tool.name));
}

/** A tool as the model is shown it: OpenAI's function format with JSON Schema parameters. */
export function definitionOf(tool: AgentTool): ToolDefinition {
  const parameters = z.toJSONSchema(tool.schema, { io: 'input' }) as Record<string, unknown>;
  delete parameters.$schema;
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
}

const definitionsByNames = new Map<string, readonly ToolDefinition[]>();

/**
 * The definitions of a list of tools, made once per distinct list: every task of every agent with the
 * same tools shares one array (JSON Schema generation is not free, and the model gateway keeps the
 * model with these tools bound per array).
 */
export function definitionsFor(tools: readonly AgentTool[]): readonly ToolDefinition[] {
  const key = tools.map((tool) => tool.name).join(',');
  let definitions = definitionsByNames.get(key);
  if (!definitions) definitionsByNames.set(key, (definitions = Object.freeze(tools.map(definitionOf))));
  return definitions;
}

/** The tool a model asked for by name; undefined for a name that is not a tool (models do invent them). */
export function findTool(name: string): AgentTool | undefined {
  return allTools.find((tool) => tool.name === name);
}

/**
 * Runs a tool call as the model sent it. Never throws: malformed arguments, a cancelled agent and a tool's own
 * crash all come back as a tool error the model can read and act on (no stack trace, no absolute paths).
 */
export async function runTool(tool: AgentTool, rawArgs: unknown, ctx: ToolContext): Promise<ToolResult> {
  if (ctx.signal.aborted) return { ok: false, error: 'cancelled' };
  let input = rawArgs;
  if (typeof rawArgs === 'string') {
    try {
      input = JSON.parse(rawArgs);
    } catch {
      return { ok: false, error: `the arguments for ${tool.name} are not valid JSON: send an object like ${expectedArguments(tool)}` };
    }
  }
  const prepared = prepareArguments(tool, input ?? {});
  if (!prepared.ok) return { ok: false, error: prepared.error };
  const parsed = tool.schema.safeParse(prepared.args);
  if (!parsed.success) return withNotes({ ok: false, error: invalidArguments(tool, parsed.error) }, tool, prepared.notes);
  // Every tool call has a time limit, so a file system that hangs (a dead network mount) cannot hold
  // the agent: commands and searches stop themselves at commandTimeoutMs, this is the outer bound.
  const limitMs = ctx.limits.toolTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ToolResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `${tool.name} did not finish within ${limitMs >= 1000 ? `${Math.round(limitMs / 1000)} s` : `${limitMs} ms`} and was abandoned: the file system may be slow or hung. Try again, or work another way.` }), limitMs);
  });
  try {
    return withNotes(await Promise.race([tool.run(parsed.data, ctx), late]), tool, prepared.notes);
  } catch (error) {
    const message = describeError(error).split(ctx.root).join('.');
    return { ok: false, error: `${tool.name} failed unexpectedly: ${message}. Try again, or another way.` };
  } finally {
    clearTimeout(timer);
  }
}

function invalidArguments(tool: AgentTool, error: z.ZodError): string {
  const problems = error.issues.map((issue) => {
    const field = issue.path.length === 0 ? 'arguments' : issue.path.map(String).join('.');
    return `${field}: ${issue.message}`;
  });
  const fields = problems.join('; ');
  return `${tool.name} was called with invalid arguments (${fields}); nothing was done. Call it again as ${expectedArguments(tool)}`;
}
