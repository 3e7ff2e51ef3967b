// What an agent's command (and the project's check) inherits. The agent wrote or chose the command, and the branch it
// runs may say anything (an allowed `npm test` runs whatever package.json now says), so it gets a list of variables
// known to be harmless, never "everything but what looks secret": a name filter let AZURE_OPENAI_KEY through.

/**
 * Passed on when set. Locale, terminal and time zone, who the user is, CI markers and the variables that tell a
 * toolchain where it is installed: with HOME pointing at a private folder, rustup, pyenv, nvm and a JDK would not
 * find themselves without them. None of them usually holds a secret; a value that looks like one is dropped anyway.
 */
const passedNames = new Set([
  'PATH', 'LANG', 'LANGUAGE', 'TERM', 'TZ', 'USER', 'LOGNAME', 'SHELL', 'CI', 'NODE_ENV',
  'JAVA_HOME', 'GOROOT', 'RUSTUP_HOME', 'CARGO_HOME', 'PYENV_ROOT', 'NVM_DIR', 'VIRTUAL_ENV',
]);
const passedPattern = /^LC_[A-Z]+$/;
// What cmd.exe and Windows programs cannot start without; Windows compares variable names without case.
const windowsNames = new Set(['SYSTEMROOT', 'SYSTEMDRIVE', 'WINDIR', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'TEMP', 'TMP', 'PROGRAMFILES', 'PROGRAMDATA', 'NUMBER_OF_PROCESSORS', 'PROCESSOR_ARCHITECTURE']);
const isWindows = process.platform === 'win32';

function passed(name: string, extra: ReadonlySet<string>): boolean {
  const key = isWindows ? name.toUpperCase() : name;
  return passedNames.has(key) || passedPattern.test(key) || extra.has(key) || (isWindows && windowsNames.has(key));
}

/** A variable name as the user may add one (`baton.commands.env`): letters, digits and underscores. */
export const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Formats of the keys and tokens people most often have in their environment, and any long unbroken run of letters
// and digits (a key of a format not listed). Paths, URLs and lists have separators, so they never match the last.
const keyFormats = [
  /\b(?:sk|rk|pk)[-_][A-Za-z0-9_-]{16,}/, // OpenAI, Anthropic, Stripe
  /\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{16,}/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /\bAIza[A-Za-z0-9_-]{30,}/,
  /\bnpm_[A-Za-z0-9]{30,}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./, // a JWT
];

export function looksLikeKey(value: string): boolean {
  if (keyFormats.some((format) => format.test(value))) return true;
  const trimmed = value.trim();
  return trimmed.length >= 32 && /^[A-Za-z0-9+=_-]+$/.test(trimmed) && /[0-9]/.test(trimmed) && /[A-Za-z]/.test(trimmed);
}

export interface CommandEnvOptions {
  /** Names the user added (`baton.commands.env`), passed on like the built-in ones. */
  readonly names?: readonly string[];
  /** HOME and TMPDIR inside the sandbox: private folders. Unset: the user's own (a person approved the command). */
  readonly home?: string;
  readonly tmpdir?: string;
}

/** The allow-listed variables of `env` whose values do not look like a key, plus settings for a command nobody watches. */
export function commandEnv(env: NodeJS.ProcessEnv, options: CommandEnvOptions = {}): Record<string, string> {
  const extra = new Set((options.names ?? []).map((name) => (isWindows ? name.toUpperCase() : name)));
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !passed(name, extra)) continue;
    if (!looksLikeKey(value)) result[name] = value;
  }
  const home = options.home ?? env.HOME;
  const tmpdir = options.tmpdir ?? env.TMPDIR;
  if (home !== undefined) result.HOME = home;
  if (tmpdir !== undefined) result.TMPDIR = tmpdir;
  // stdin is empty, so a prompt would only fail later and less clearly; a pager would wait for a key.
  result.GIT_TERMINAL_PROMPT = '0';
  result.GIT_PAGER = 'cat';
  result.PAGER = 'cat';
  return result;
}
