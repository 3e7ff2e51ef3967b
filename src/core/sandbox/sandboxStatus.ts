import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type SandboxStatus =
  | { readonly available: true; readonly bwrap: string; readonly version: string; readonly socat?: string }
  | { readonly available: false; readonly problem: string; readonly fix: string };

/** What runs agents' commands: bubblewrap at `bwrap` (a name looked up on PATH, or a path). Tests point it elsewhere. */
export interface CommandSandbox {
  readonly bwrap: string;
  /** socat, which carries the allowed hosts' traffic into the sandbox (sandboxNetwork.ts). */
  readonly socat: string;
  readonly platform: NodeJS.Platform;
}

export const systemSandbox: CommandSandbox = { bwrap: 'bwrap', socat: 'socat', platform: process.platform };

export const installHint = 'Install bubblewrap (`sudo apt install bubblewrap` on Debian and Ubuntu, `sudo dnf install bubblewrap` on Fedora)';

const probes = new Map<string, Promise<SandboxStatus>>();

/** Whether commands can run sandboxed; probed once per process and sandbox (a few milliseconds), then cached. */
export function sandboxStatus(sandbox: CommandSandbox = systemSandbox): Promise<SandboxStatus> {
  const key = `${sandbox.platform}\0${sandbox.bwrap}\0${sandbox.socat}`;
  let status = probes.get(key);
  if (!status) probes.set(key, (status = probe(sandbox)));
  return status;
}

async function probe(sandbox: CommandSandbox): Promise<SandboxStatus> {
  if (sandbox.platform !== 'linux') {
    return {
      available: false,
      problem: `Baton has no sandbox for commands on ${sandbox.platform === 'darwin' ? 'macOS' : sandbox.platform === 'win32' ? 'Windows' : sandbox.platform} (its sandbox is bubblewrap, on Linux).`,
      fix: 'Every command an agent runs, and the project\'s check, asks you first. To let allowed commands run unasked, run Baton on Linux (or in WSL 2) with bubblewrap installed.',
    };
  }
  const bwrap = onPath(sandbox.bwrap);
  if (!bwrap) {
    return { available: false, problem: `bubblewrap (${sandbox.bwrap}) is not installed, so commands cannot run in a sandbox.`, fix: `${installHint}; until then every command an agent runs, and the project's check, asks you first.` };
  }
  try {
    // The namespaces a real run asks for: a kernel or container that forbids one fails here, not in an agent's command.
    await run(bwrap, ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--', '/bin/sh', '-c', ':'], { timeout: 10_000, env: {} });
  } catch (error) {
    const said = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n')[0];
    return {
      available: false,
      problem: `bubblewrap (${bwrap}) is installed but cannot make a sandbox here: ${said}`,
      fix: 'Unprivileged user namespaces are probably off (`sysctl kernel.unprivileged_userns_clone=1`; on Ubuntu 24.04 an AppArmor profile for bwrap), or Baton runs in a container that forbids them. ' +
        `Run \`${bwrap} --unshare-all --ro-bind / / --proc /proc true\` to see why. Until then every command asks you first.`,
    };
  }
  const version = await run(bwrap, ['--version'], { timeout: 10_000 }).then((r) => r.stdout.trim(), () => 'bubblewrap');
  const socat = onPath(sandbox.socat);
  return { available: true, bwrap, version, ...(socat ? { socat } : {}) };
}

/** `name` if it is a path to an executable, else the first executable of that name on PATH. */
function onPath(name: string): string | undefined {
  const candidates = name.includes('/') ? [name] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
