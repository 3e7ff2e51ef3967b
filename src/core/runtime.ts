// Baton keeps its state in node:sqlite, which Node offers from 22.13 on. Every entry point (the
// CLI, the extension) checks this first, so an older runtime gets a sentence, not a stack trace.

export const minimumNode = { major: 22, minor: 13 } as const;

export type RuntimeCheck = { ok: true; node: string } | { ok: false; node: string; problem: string; fix: string };

export function nodeVersionAtLeast(version: string, min: { major: number; minor: number } = minimumNode): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > min.major || (major === min.major && minor >= min.minor);
}

/** Whether node:sqlite can be loaded here, without importing it (importing it throws on old Nodes). */
export function sqliteAvailable(): boolean {
  try {
    return process.getBuiltinModule?.('node:sqlite') !== undefined;
  } catch {
    return false;
  }
}

export function checkRuntime(host: 'cli' | 'extension', version = process.version, hasSqlite = sqliteAvailable()): RuntimeCheck {
  const needed = `${minimumNode.major}.${minimumNode.minor}`;
  if (nodeVersionAtLeast(version) && hasSqlite) return { ok: true, node: version };
  const problem = !nodeVersionAtLeast(version)
    ? `Baton needs Node.js ${needed} or newer (for its built-in SQLite store), but this ${host === 'cli' ? 'shell' : 'VS Code'} runs Node.js ${version}.`
    : `This Node.js (${version}) does not offer node:sqlite, which Baton uses for its state.`;
  const fix = host === 'cli'
    ? 'Install Node.js 24 (https://nodejs.org) and run baton again; from a clone of Baton, `npm run baton -- <command>` provisions Node 24 by itself.'
    : 'Update VS Code to a release whose extension host runs Node.js 22.13 or newer, or use the `baton` CLI with Node.js 24.';
  return { ok: false, node: version, problem, fix };
}
