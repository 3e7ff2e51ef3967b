import { Worker } from 'node:worker_threads';

// The model writes the regular expression, and a pattern like (a+)+$ can backtrack for hours. Run in the extension
// host's own thread, that would freeze every extension, and no timer could stop it. So the matching runs in a worker
// thread that is terminated when its time is up. The worker's code is inline (eval) so the bundle needs no extra file.

export interface SearchJob {
  /** Absolute real path of the worktree. */
  readonly root: string;
  /** Files to search, relative to root with `/` separators; already confined, no symlinks among them. */
  readonly files: readonly string[];
  readonly pattern: string;
  readonly maxMatches: number;
  readonly maxFileBytes: number;
  readonly maxLineChars: number;
}

export type SearchOutcome =
  | { readonly kind: 'done'; readonly matches: readonly string[]; readonly truncated: boolean; readonly skipped: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly message: string };

const workerSource = String.raw`
const { parentPort, workerData: job } = require('node:worker_threads');
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const regex = new RegExp(job.pattern);
const matches = [];
let skipped = 0;
let truncated = false;
search: for (const file of job.files) {
  let bytes;
  try {
    if (statSync(join(job.root, file)).size > job.maxFileBytes) { skipped++; continue; }
    bytes = readFileSync(join(job.root, file));
  } catch { continue; }
  if (bytes.subarray(0, 8000).includes(0)) { skipped++; continue; }
  const lines = bytes.toString('utf8').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!regex.test(lines[i])) continue;
    if (matches.length === job.maxMatches) { truncated = true; break search; }
    const line = lines[i].length > job.maxLineChars ? lines[i].slice(0, job.maxLineChars) + ' …' : lines[i];
    matches.push(file + ':' + (i + 1) + ': ' + line);
  }
}
parentPort.postMessage({ matches, truncated, skipped });
`;

export function searchInWorker(job: SearchJob, signal: AbortSignal, timeoutMs: number): Promise<SearchOutcome> {
  if (signal.aborted) return Promise.resolve({ kind: 'cancelled' });
  return new Promise((resolve) => {
    const worker = new Worker(workerSource, { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    let settled = false;
    const settle = (outcome: SearchOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
    const onAbort = () => settle({ kind: 'cancelled' });
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (found: Omit<Extract<SearchOutcome, { kind: 'done' }>, 'kind'>) => settle({ kind: 'done', ...found }));
    worker.once('error', (error) => settle({ kind: 'failed', message: error.message }));
    worker.once('exit', () => settle({ kind: 'failed', message: 'the search stopped without an answer' }));
  });
}
