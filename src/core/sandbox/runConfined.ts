import type { ChildProcess } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { commandEnv } from '../agents/tools/commandEnv';
import { runProcess } from '../agents/tools/runProcess';
import type { ProcessOutcome } from '../agents/tools/runProcess';
import { bwrapArgs, sandboxHome, sandboxTmp } from './bwrapArgs';
import { credentialCovers, gitLayout, homeFolders, toolchainsInHomes } from './sandboxPaths';
import { openProxy } from './sandboxNetwork';
import { sandboxStatus } from './sandboxStatus';
import type { CommandSandbox } from './sandboxStatus';

/** How agents' commands and the project's check run: the same for both (decision 0023). */
export interface CommandPolicy {
  /** Unset: bubblewrap from PATH. */
  readonly sandbox?: CommandSandbox;
  /** Environment variables the user passes on besides the built-in list (`baton.commands.env`): names only. */
  readonly envNames?: readonly string[];
  /** Host names a command may reach (through a proxy); none: no network at all. */
  readonly network?: readonly string[];
}

export interface ConfinedRun {
  /** The worktree: the command's working folder and the only place it may write besides its private /tmp. */
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly signal: AbortSignal;
  readonly policy?: CommandPolicy;
  /** Where there is no sandbox, a person said this command may run without one. Otherwise it does not run. */
  readonly approvedUnsandboxed?: boolean;
}

/** How long the sandbox's processes may take to go once bwrap is gone (the kernel kills them together). */
const namespaceGraceMs = 2_000;

/**
 * Runs `command` with /bin/sh in a bubblewrap sandbox (bwrapArgs.ts says what it can see), with runProcess's time
 * limit, output handling and kill: stopping bwrap ends its PID namespace, every process in it included. Where there
 * is no sandbox it runs directly only with `approvedUnsandboxed`, and never with more than the allow-listed environment.
 */
export async function runConfined(command: string, run: ConfinedRun): Promise<ProcessOutcome> {
  const status = await sandboxStatus(run.policy?.sandbox);
  const names = run.policy?.envNames ?? [];
  const limits = { timeoutMs: run.timeoutMs, maxOutputBytes: run.maxOutputBytes, signal: run.signal };
  if (!status.available) {
    if (!run.approvedUnsandboxed) return notStarted(`${status.problem} ${status.fix}`);
    return runProcess(command, { cwd: run.cwd, env: commandEnv(process.env, { names }), ...limits });
  }
  const worktree = realpathSync(run.cwd);
  const hosts = run.policy?.network ?? [];
  if (hosts.length && !status.socat) return notStarted(`the team allows ${hosts.join(', ')} for commands, and reaching them needs socat, which is not installed: install it (\`sudo apt install socat\`), or remove sandbox.network from .baton/agents.yaml.`);
  const proxy = hosts.length ? await openProxy(hosts) : undefined;
  let nsInit: number | undefined;
  try {
    const argv = proxy ? proxy.argv(status.socat!, command) : ['/bin/sh', '-c', command];
    const env = { ...commandEnv(process.env, { names, home: sandboxHome, tmpdir: sandboxTmp }), ...proxy?.env };
    const homes = homeFolders();
    const toolchains = toolchainsInHomes(env, homes);
    const args = bwrapArgs({ worktree, git: gitLayout(worktree), homes, toolchains, covers: credentialCovers(homes), proxySocket: proxy?.socket, argv });
    const outcome = await runProcess(command, {
      cwd: worktree,
      env,
      ...limits,
      wrapper: { file: status.bwrap, args, onSpawn: (child) => readInfo(child, (pid) => (nsInit = pid)) },
      whenGone: () => namespaceGone(() => nsInit),
    });
    // bwrap says what it could not set up in one line and exits 1, before the command starts.
    if (outcome.end === 'exited' && outcome.exitCode === 1 && /^bwrap: [^\n]*\n?$/.test(outcome.output)) {
      return notStarted(`the sandbox could not be set up (${outcome.output.trim()}): run \`baton doctor\`, and report it if the Sandbox check passes`);
    }
    return outcome;
  } finally {
    proxy?.close();
  }
}

function notStarted(error: string): ProcessOutcome {
  return { end: 'failed-to-start', exitCode: null, exitSignal: null, output: '', totalBytes: 0, error };
}

/** bwrap's --info-fd: JSON with "child-pid", the host's pid of the sandbox's PID 1. */
function readInfo(child: ChildProcess, found: (pid: number) => void): void {
  let text = '';
  const info = child.stdio[3];
  info?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    const pid = /"child-pid":\s*(\d+)/.exec(text)?.[1];
    if (pid) found(Number(pid));
  });
  info?.on('error', () => undefined);
}

/** Resolves once the sandbox's PID 1 has exited (the kernel kills everything else in the namespace first). */
async function namespaceGone(pid: () => number | undefined): Promise<void> {
  const deadline = performance.now() + namespaceGraceMs;
  while (running(pid()) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

function running(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
