import { type ChildProcess, spawn } from 'node:child_process';
import { TailBuffer } from './text';

export interface ProcessOptions {
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly signal: AbortSignal;
  /**
   * Run this program with these arguments instead of `command` through the shell (the sandbox wraps the shell in
   * bwrap). It gets a fourth pipe, fd 3, for what the wrapper reports about itself.
   */
  readonly wrapper?: { readonly file: string; readonly args: readonly string[]; onSpawn(child: ChildProcess): void };
  /** Awaited before reporting: resolves once what the wrapper started is gone too (a sandbox's PID namespace). */
  readonly whenGone?: () => Promise<void>;
}

export interface ProcessOutcome {
  /** How it ended: on its own, or stopped by Baton. */
  readonly end: 'exited' | 'timeout' | 'cancelled' | 'failed-to-start';
  readonly exitCode: number | null;
  readonly exitSignal: NodeJS.Signals | null;
  /** The last `maxOutputBytes` of stdout and stderr, interleaved as they arrived. */
  readonly output: string;
  readonly totalBytes: number;
  readonly error?: string;
}

const isWindows = process.platform === 'win32';
/** How long a stopped command may take to clean up before it is killed outright. */
const killGraceMs = 2_000;
/** How long to wait for output after the shell exits, when something it started still holds the pipes open. */
const drainMs = 500;

/**
 * Runs `command` through the platform shell (/bin/sh -c, cmd.exe on Windows) in its own process group, with no
 * stdin. Stopping it (timeout, abort) stops the whole group, so `npm test` does not leave its test runner behind;
 * processes still in the group when the shell exits are stopped too, so no stray server outlives the command.
 */
export function runProcess(command: string, options: ProcessOptions): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    const output = new TailBuffer(options.maxOutputBytes);
    let end: ProcessOutcome['end'] = 'exited';
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    let exited = false;
    let closed = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const common = { cwd: options.cwd, env: options.env, detached: !isWindows, windowsHide: true } as const; // detached: its own process group, so the group can be signalled as one
    const wrapper = options.wrapper;
    const child = wrapper
      ? spawn(wrapper.file, wrapper.args, { ...common, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] })
      : spawn(command, { ...common, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    wrapper?.onSpawn(child);
    const settle = (error?: string) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      const { code: exitCode, signal: exitSignal } = exit;
      // Only report once nothing of the command runs any more: a cancelled agent is stopped, not stopping.
      void groupGone(child).then(() => options.whenGone?.()).then(() => resolve({ end, exitCode, exitSignal, output: output.text(), totalBytes: output.total, ...(error ? { error } : {}) }));
    };
    const stop = (reason: 'timeout' | 'cancelled') => {
      if (exited || end !== 'exited' || settled) return; // a command that already ended is not relabelled
      end = reason;
      killGroup(child, 'SIGTERM');
      timers.push(setTimeout(() => closed || killGroup(child, 'SIGKILL'), killGraceMs));
    };
    const onAbort = () => stop('cancelled');

    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.once('error', (error) => {
      end = 'failed-to-start';
      settle(error.message);
    });
    child.once('exit', (code, signal) => {
      exited = true;
      exit = { code, signal };
      killGroup(child, 'SIGTERM');
      timers.push(
        setTimeout(() => {
          if (!closed) killGroup(child, 'SIGKILL');
          child.stdout?.destroy();
          child.stderr?.destroy();
          settle();
        }, drainMs),
      );
    });
    child.once('close', () => {
      closed = true;
      settle();
    });
    timers.push(setTimeout(() => stop('timeout'), options.timeoutMs));
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (!isWindows) process.kill(-child.pid, signal);
    else spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).once('error', () => undefined);
  } catch {
    // Already gone: nothing left to stop.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until the command's process group is empty (it was sent SIGTERM already), then SIGKILLs
 * what is left after the grace period. Bounded: a zombie nobody reaps counts as gone after it.
 */
async function groupGone(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (isWindows || pid === undefined) return;
  const deadline = performance.now() + killGraceMs;
  let killed = false;
  while (groupAlive(pid)) {
    if (performance.now() > deadline) {
      if (killed) return;
      killed = true;
      killGroup(child, 'SIGKILL');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
