import { join } from 'node:path';

// The user's own settings area, shared by the CLI and the extension so both read the same answers. Kept free of
// heavy imports: the extension's activation bundle names the trust file without loading the engine.

/**
 * `$XDG_CONFIG_HOME/baton`, else `~/.config/baton` (the home from the environment given; none at all means no
 * settings area, as for a process started with an empty environment).
 */
export function userConfigDir(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME?.trim() || env.USERPROFILE?.trim();
  const base = env.XDG_CONFIG_HOME?.trim() || (home ? join(home, '.config') : undefined);
  return base === undefined ? undefined : join(base, 'baton');
}

/** Where the user's answers to repositories' requests are kept (never in a repository). */
export function trustFilePath(env: NodeJS.ProcessEnv): string | undefined {
  const dir = userConfigDir(env);
  return dir === undefined ? undefined : join(dir, 'trust.json');
}
