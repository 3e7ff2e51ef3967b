import { z } from 'zod';
import type { AgentTool, ToolResult } from './toolTypes';

// Models misname arguments: `file_path` or `filename` for `path`, `contents` for `content`, `old_string` for `old`,
// `cmd` for `command`. A name that can only mean one of the tool's arguments is taken as that argument, and the
// model is told the right name in the result; anything that could be read two ways is refused with the names
// the tool takes. A tool that writes, runs or hands work over refuses arguments it does not know (an `append: true`
// it would silently ignore could make it write the wrong thing); a read-only one ignores them and says so.

/** What models call a file's path; spelled as `argumentKey` leaves it (lowercase, no `_` or `-`). */
export const pathAliases = ['filepath', 'filename', 'file', 'pathname', 'targetfile', 'targetpath', 'relativepath'] as const;

export type PreparedArguments = { ok: true; args: unknown; notes: string[] } | { ok: false; error: string };

/** `file_path`, `filePath` and `File-Path` alike: `filepath`. */
export function argumentKey(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

/**
 * The arguments a model sent, with well-known aliases renamed to the tool's own names, or an error naming what
 * the tool takes. Anything that is not an object is left for the schema to refuse.
 */
export function prepareArguments(tool: AgentTool, raw: unknown): PreparedArguments {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !(tool.schema instanceof z.ZodObject)) return { ok: true, args: raw, notes: [] };
  const fields = Object.keys(tool.schema.shape as Record<string, unknown>);
  const fieldOf = new Map<string, string>();
  for (const field of fields) {
    fieldOf.set(argumentKey(field), field);
    for (const alias of tool.aliases?.[field] ?? []) fieldOf.set(argumentKey(alias), field);
  }
  const args: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  const notes: string[] = [];
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const field = fieldOf.get(argumentKey(name));
    if (!field) {
      unknown.push(name);
      continue;
    }
    if (field in args && JSON.stringify(args[field]) !== JSON.stringify(value)) {
      return { ok: false, error: `${tool.name} got both "${from[field]}" and "${name}" with different values, and both would be "${field}"; nothing was done. Send only "${field}": ${expectedArguments(tool)}` };
    }
    args[field] = value;
    from[field] = name;
    if (name !== field) notes.push(`"${name}" was taken as "${field}"`);
  }
  if (unknown.length && tool.changes) {
    return { ok: false, error: `${tool.name} does not take ${unknown.map((n) => `"${n}"`).join(', ')}, so nothing was done (it would have been ignored). Call it again with only ${expectedArguments(tool)}` };
  }
  if (unknown.length) notes.push(`${unknown.map((n) => `"${n}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not an argument of ${tool.name} and ${unknown.length === 1 ? 'was' : 'were'} ignored`);
  return { ok: true, args, notes };
}

/** The fields a tool takes, e.g. `{"path": ..., "content": ...}`; optional ones are marked. */
export function expectedArguments(tool: AgentTool): string {
  if (!(tool.schema instanceof z.ZodObject)) return 'its schema says';
  const fields = Object.entries(tool.schema.shape as Record<string, z.ZodType>).map(
    ([name, field]) => `"${name}"${field.safeParse(undefined).success ? ' (optional)' : ''}: ...`,
  );
  return `{${fields.join(', ')}}`;
}

/** A tool's result with what was renamed or ignored, so the model uses the right names next time. */
export function withNotes(result: ToolResult, tool: AgentTool, notes: readonly string[]): ToolResult {
  if (!notes.length) return result;
  if (!result.ok) return { ...result, error: `${result.error} (${notes.join('; ')})` };
  return { ...result, output: `${result.output}\n[Note: ${notes.join('; ')}. ${tool.name} takes ${expectedArguments(tool)}]` };
}
