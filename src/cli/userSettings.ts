import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/config/configError';
import { approvalTriggers, workflowModes } from '../core/config/vocabulary';
import { userConfigDir } from '../core/config/userConfigDir';
import { parseYamlConfig } from '../core/config/yamlConfig';
import { variableNamePattern } from '../core/agents/tools/commandEnv';

// The CLI's own settings file: the keys of VS Code's `baton.*` settings, nested as YAML (`model.name` is
// `model: { name: ... }`), so one vocabulary serves both faces. Environment variables and flags win over it.

const text = z.string().trim().min(1, 'must not be empty');
const price = z.strictObject({
  inputPerMillion: z.number().min(0),
  outputPerMillion: z.number().min(0),
  cachedInputPerMillion: z.number().min(0).optional(),
});

export const userSettingsSchema = z.strictObject({
  model: z.strictObject({
    baseUrl: z.url({ error: 'must be a URL such as https://api.openai.com/v1 or http://127.0.0.1:11434/v1' }).optional(),
    name: text.optional(),
    fallbacks: z.array(text).optional(),
    pricing: z.record(z.string().min(1), price).optional(),
  }).optional(),
  budget: z.strictObject({
    perWorkflowUsd: z.number().positive('must be more than 0').optional(),
    tokens: z.number().int().positive('must be a whole number of tokens above 0').optional(),
  }).optional(),
  concurrency: z.number().int().min(1).max(32).optional(),
  rateLimit: z.strictObject({ requestsPerMinute: z.number().int().min(1).optional() }).optional(),
  approvals: z.strictObject({
    require: z.array(z.enum(approvalTriggers)).optional(),
    confidenceThreshold: z.number().min(0).max(1).optional(),
  }).optional(),
  commands: z.strictObject({
    allow: z.array(text).optional(),
    env: z.array(z.string().regex(variableNamePattern, 'must be the name of an environment variable, such as JAVA_HOME')).optional(),
  }).optional(),
  check: z.strictObject({ command: z.string().trim().optional() }).optional(),
  git: z.strictObject({ keepWorktrees: z.boolean().optional() }).optional(),
  storage: z.strictObject({ backend: z.enum(['sqlite', 'postgres']).optional(), postgresUrl: z.string().trim().optional() }).optional(),
  notifications: z.strictObject({ webhookUrl: z.string().trim().optional() }).optional(),
  mode: z.enum(workflowModes).optional(),
});
export type UserSettings = z.output<typeof userSettingsSchema>;

/**
 * `$XDG_CONFIG_HOME/baton/config.yaml`, else `~/.config/baton/config.yaml` (the home from the environment the
 * CLI was given; none at all means no settings file, as for a process started with an empty environment).
 */
export function userSettingsPath(env: NodeJS.ProcessEnv): string | undefined {
  const dir = userConfigDir(env);
  return dir === undefined ? undefined : join(dir, 'config.yaml');
}

/** The user's settings file, or no settings when there is none. A file Baton cannot use is a ConfigError (exit 2). */
export async function loadUserSettings(env: NodeJS.ProcessEnv): Promise<{ settings: UserSettings; path: string | undefined; found: boolean }> {
  const path = userSettingsPath(env);
  if (path === undefined) return { settings: {}, path, found: false };
  let body: string;
  try {
    body = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { settings: {}, path, found: false };
    const why = code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'it cannot be read (permission denied)' : (error as Error).message;
    throw new ConfigError(path, [{ path: '', line: 1, column: 1, message: `Baton cannot read its settings file: ${why}` }], `Make ${path} a readable YAML file, or remove it.`);
  }
  const hint = `Fix ${path} (the keys of VS Code's baton.* settings, nested: model: { name: gpt-4o-mini }), or remove it.`;
  refuseDottedKeys(body, path, hint);
  return { settings: parseYamlConfig(body, path, userSettingsSchema, { hint, empty: {} }), path, found: true };
}

/**
 * `model.name: x` (as written in VS Code's settings.json, with or without `baton.`) would otherwise read as
 * an unknown field: say how to write it instead.
 */
function refuseDottedKeys(body: string, path: string, hint: string): void {
  const issues = body.split('\n').flatMap((line, i) => {
    const m = /^(["']?)((?:baton\.)?[A-Za-z]+(?:\.[A-Za-z]+)+)\1\s*:/.exec(line);
    if (!m) return [];
    const parts = m[2]!.replace(/^baton\./, '').split('.');
    const nested = parts.map((p, depth) => `${'  '.repeat(depth)}${p}:`).join('\n');
    return [{ path: m[2]!, line: i + 1, column: 1, message: `write "${m[2]}" as nested keys, without "baton.":\n${nested} ...` }];
  });
  if (issues.length) throw new ConfigError(path, issues, hint);
}
