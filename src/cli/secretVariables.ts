// The secrets the CLI reads from its environment. They are read once, kept in memory (the CLI's own copy of the
// environment), and taken out of process.env, so nothing Baton starts inherits them: not git, not the language
// server, not an agent's command, not a library that spawns with the default environment.
//
// What this cannot do: /proc/<pid>/environ of the CLI itself still shows the environment the shell gave it. The
// kernel keeps that first block as it was; unsetenv only changes the C library's list. Any process of the same user
// that can see the CLI's /proc entry can read it there, which is why agents' commands and the check run in a PID
// namespace of their own (the sandbox), where Baton's processes do not exist. A detached `baton resume` is not
// given the secrets in its environment at all: they come on its standard input (handOver).

export const secretVariables = ['BATON_API_KEY', 'OPENAI_API_KEY', 'BATON_SERVE_TOKEN'] as const;

/** Set by handOver: the secrets are a JSON object on standard input. */
const onStdin = 'BATON_SECRETS_ON_STDIN';

/**
 * The CLI's copy of `env`, secrets included (also those a parent handed over on stdin, read with `readStdin`);
 * `env` (process.env) is left without them.
 */
export function takeSecrets(env: NodeJS.ProcessEnv, readStdin: () => string): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...env };
  if (env[onStdin] === '1') {
    let given: unknown;
    try {
      given = JSON.parse(readStdin());
    } catch {
      given = {};
    }
    for (const name of secretVariables) {
      const value = (given as Record<string, unknown> | null)?.[name];
      if (typeof value === 'string' && value) copy[name] = value;
    }
  }
  delete copy[onStdin];
  for (const name of [...secretVariables, onStdin]) delete env[name];
  return copy;
}

/** For a Baton started by this one: its environment without the secrets, and what to write to its stdin. */
export function handOver(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; stdin: string } {
  const rest: NodeJS.ProcessEnv = { ...env, [onStdin]: '1' };
  const secrets: Record<string, string> = {};
  for (const name of secretVariables) {
    const value = env[name];
    if (value) secrets[name] = value;
    delete rest[name];
  }
  return { env: rest, stdin: JSON.stringify(secrets) };
}
