import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { childEnv } from '../childEnv';

export interface ExecRequest {
  file: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  maxBuffer: number;
  signal?: AbortSignal;
}

/** What execFile's callback gets, as plain data that crosses a process boundary. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  error?: { message: string; code?: number | string; killed?: boolean };
}

// The host is a few lines of plain JavaScript given to `node -e` (not a file of its own), so it
// survives bundling into dist/engine.js and dist/cli.js and runs the same under tsx in the tests.
// It exits when Baton does (the IPC channel closes), whatever way Baton ended.
const hostSource = `
const { execFile } = require('node:child_process');
const running = new Map();
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  if (m.abort !== undefined) { running.get(m.abort)?.abort(); return; }
  const controller = new AbortController();
  running.set(m.id, controller);
  execFile(m.file, m.args, { cwd: m.cwd, env: m.env, timeout: m.timeoutMs, maxBuffer: m.maxBuffer, encoding: 'utf8', signal: controller.signal }, (error, stdout, stderr) => {
    running.delete(m.id);
    if (!process.connected) return;
    process.send({ id: m.id, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''),
      error: error ? { message: error.message, code: error.code, killed: error.killed } : undefined });
  });
});
`;

interface Pending {
  resolve: (r: ExecResult) => void;
  /** The helper it was sent to: only that one's end fails it. */
  child: ChildProcess;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Starts git (and other short processes) from a small helper process instead of from Baton's own.
 * Node's spawn forks the calling process: about 7 ms for the engine's few hundred MB, during which
 * its one thread, and so every agent, waits; after the fork, each page the engine writes until git
 * has started is copied. A worker thread moves the first cost but not the second. A 40 MB helper
 * forks in well under a millisecond and the engine only posts a message (docs/decisions/0009).
 */
export class ProcessHost {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set when no helper can be started here: processes then start from this process. */
  private unavailable = false;

  /** The helper's process id, once it runs. */
  get helperPid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the helper ahead of the first call, so its ~50 ms start is not on anyone's path. */
  warm(): void {
    this.ensureChild();
  }

  exec(request: ExecRequest): Promise<ExecResult> {
    if (request.signal?.aborted) return Promise.resolve({ stdout: '', stderr: '', error: { message: 'aborted', code: 'ABORT_ERR' } });
    const child = this.ensureChild();
    if (!child) return execHere(request);
    const id = this.nextId++;
    return new Promise<ExecResult>((resolve) => {
      const entry: Pending = { resolve, child, signal: request.signal };
      if (request.signal) {
        entry.onAbort = () => child.connected && child.send({ abort: id });
        request.signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.pending.set(id, entry);
      if (this.pending.size === 1) setRef(child, true);
      const { signal: _signal, ...plain } = request;
      child.send({ id, ...plain });
    });
  }

  /** Stops the helper; anything still running there is reported as failed. */
  close(): void {
    const child = this.child;
    this.child = undefined;
    if (child?.connected) child.disconnect();
  }

  private ensureChild(): ChildProcess | undefined {
    if (this.child || this.unavailable) return this.child;
    try {
      // ELECTRON_RUN_AS_NODE: in VS Code desktop, process.execPath is Electron, which then runs as Node. The
      // rest is the allow-list of childEnv.ts: the helper lives as long as Baton, and its /proc/<pid>/environ
      // must not hold the model key or anything else of Baton's environment (each request brings its own).
      const child = spawn(process.execPath, ['-e', hostSource], {
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: childEnv(process.env, { ELECTRON_RUN_AS_NODE: '1' }), windowsHide: true,
      });
      child.on('message', (m: ExecResult & { id: number }) => this.settle(m.id, m));
      // A helper that dies (killed, out of memory) must not leave callers waiting: they fail, the
      // next call starts a new helper.
      const fail = (message: string) => {
        if (this.child === child) this.child = undefined;
        // Only its own callers: after close(), a new helper may already run the next calls.
        for (const [id, entry] of [...this.pending]) if (entry.child === child) this.settle(id, { stdout: '', stderr: message, error: { message } });
      };
      child.on('error', (e) => {
        if (!child.pid) this.unavailable = true;
        fail(`Baton's process helper failed: ${e.message}`);
      });
      child.on('exit', (code, signal) => fail(`Baton's process helper stopped (${signal ?? `exit ${code}`})`));
      setRef(child, false);
      this.child = child;
    } catch {
      this.unavailable = true;
    }
    return this.child;
  }

  private settle(id: number, result: ExecResult): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    // An idle helper must not keep the CLI (or a test run) alive.
    if (this.pending.size === 0 && this.child) setRef(this.child, false);
    entry.resolve({ stdout: result.stdout, stderr: result.stderr, error: result.error });
  }
}

function setRef(child: ChildProcess, on: boolean): void {
  const channel = child.channel as { ref(): void; unref(): void } | undefined;
  if (on) {
    child.ref();
    channel?.ref();
  } else {
    child.unref();
    channel?.unref();
  }
}

function execHere(request: ExecRequest): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(request.file, request.args, { cwd: request.cwd, env: request.env, timeout: request.timeoutMs, maxBuffer: request.maxBuffer, encoding: 'utf8', signal: request.signal }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
      resolve({ stdout, stderr, error: e ? { message: e.message, code: e.code, killed: e.killed } : undefined });
    });
  });
}

/**
 * One helper for the whole process, like libuv's thread pool: every engine, workflow and conflict
 * scan of an extension host or CLI shares it, and it holds no state of theirs.
 */
export const processHost = new ProcessHost();
