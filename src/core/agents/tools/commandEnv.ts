// What an agent's command inherits. The agent wrote or chose the command, and the branch it runs may say anything
// (an allowed `npm test` runs whatever package.json now says), so it gets no secrets and no ready-made way to
// reach the user's credentials: API keys and tokens by name, and the credential helpers of ssh and VS Code's git.

const secretName = /API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_?KEY|ACCESS_?KEY/i;
const credentialAccess = /^(SSH_AUTH_SOCK|GIT_ASKPASS|SSH_ASKPASS|VSCODE_GIT_ASKPASS_.*|VSCODE_GIT_IPC_HANDLE)$/i;

export function isWithheldVariable(name: string): boolean {
  return secretName.test(name) || credentialAccess.test(name);
}

/** `env` without secrets, plus settings that keep tools from waiting for a person who is not there. */
export function commandEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isWithheldVariable(name)) result[name] = value;
  }
  // stdin is empty, so a prompt would only fail later and less clearly; a pager would wait for a key.
  result.GIT_TERMINAL_PROMPT = '0';
  result.GIT_PAGER = 'cat';
  result.PAGER = 'cat';
  return result;
}
