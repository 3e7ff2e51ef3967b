// What Baton's own children start from: the git helper and every git it runs, the language server, a detached
// `baton resume`. An allow-list of names, not a copy of Baton's environment less some: whatever the user's shell
// or VS Code put there (a model key, a cloud token, an ssh agent's socket) stays out of processes that run next to
// repository content. Agents' commands get their own, wider set (agents/tools/commandEnv.ts).

const kept = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TMP', 'TEMP',
  // git reads the user's own config from here when it is set.
  'XDG_CONFIG_HOME',
  // Windows: where the system, the user's profile and the shell are; git and Node do not start without them.
  'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'HOMEDRIVE', 'HOMEPATH', 'APPDATA', 'LOCALAPPDATA', 'PROGRAMDATA',
]);

/** Whether a child of Baton's own gets this variable (LC_* and the names above; case-blind, as on Windows). */
export function isChildVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return kept.has(upper) || upper.startsWith('LC_');
}

/** The allowed part of `env`, then `extra` (what Baton sets for that child) over it. */
export function childEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && isChildVariable(name)) result[name] = value;
  }
  return { ...result, ...extra };
}

/**
 * git's environment: the allow-list (never Baton's model key or the user's credentials: Baton's git never fetches or
 * pushes), plus no prompts, no optional locks, and messages in one language. Built per call, from the environment
 * as it is then.
 */
export function gitEnv(): Record<string, string> {
  return childEnv(process.env, { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' });
}
