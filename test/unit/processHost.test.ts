import assert from 'node:assert/strict';
import { ProcessHost } from '../../src/core/git/processHost';
import type { ExecRequest } from '../../src/core/git/processHost';
import { runGit } from '../../src/core/git/gitRunner';
import { makeRepo } from '../support/repoBuilder';
import { processAlive } from '../../src/core/liveness';

const request = (file: string, args: string[], more: Partial<ExecRequest> = {}): ExecRequest =>
  ({ file, args, cwd: process.cwd(), env: process.env, timeoutMs: 60_000, maxBuffer: 1024 * 1024, ...more });


describe('ProcessHost (git started from a small helper process)', () => {
  let host: ProcessHost;
  beforeEach(() => (host = new ProcessHost()));
  afterEach(() => host.close());

  it('runs processes from a helper, not from this process, with their output and exit codes', async () => {
    const ok = await host.exec(request('/bin/sh', ['-c', 'echo "$PPID"; echo oops >&2']));
    assert.equal(ok.error, undefined);
    assert.ok(host.helperPid);
    assert.equal(Number(ok.stdout.trim()), host.helperPid, 'the process is a child of the helper');
    assert.notEqual(host.helperPid, process.pid);
    assert.equal(ok.stderr.trim(), 'oops');
    const failed = await host.exec(request('/bin/sh', ['-c', 'exit 3']));
    assert.equal(failed.error?.code, 3);
    const missing = await host.exec(request('no-such-program-baton', []));
    assert.equal(missing.error?.code, 'ENOENT');
  });

  it('runs many at once and answers each caller with its own result', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => host.exec(request('/bin/sh', ['-c', `echo ${i}`]))));
    assert.deepEqual(results.map((r) => Number(r.stdout)), Array.from({ length: 40 }, (_, i) => i));
  });

  it('kills a process when its caller aborts, and when it outlives its time limit', async () => {
    const controller = new AbortController();
    const pending = host.exec(request('/bin/sh', ['-c', 'echo started; exec sleep 600'], { signal: controller.signal }));
    controller.abort();
    const aborted = await pending;
    assert.equal(aborted.error?.code, 'ABORT_ERR');
    const late = await host.exec(request('/bin/sh', ['-c', 'exec sleep 600'], { timeoutMs: 50 }));
    assert.equal(late.error?.killed, true, 'timed out processes are reported as killed');
  });

  it('fails the calls of a helper that dies, and starts a new one for the next call', async () => {
    const first = await host.exec(request('/bin/sh', ['-c', 'echo $PPID']));
    const pid = Number(first.stdout);
    const stuck = host.exec(request('/bin/sh', ['-c', 'exec sleep 5']));
    process.kill(pid, 'SIGKILL');
    const failed = await stuck;
    assert.match(failed.error?.message ?? '', /process helper stopped/);
    const next = await host.exec(request('/bin/sh', ['-c', 'echo $PPID']));
    assert.equal(next.error, undefined);
    assert.notEqual(Number(next.stdout), pid);
    assert.equal(processAlive(pid), false);
  });

  it('after close(), the end of the old helper fails none of the calls the new one runs', async () => {
    host.warm();
    const old = host.helperPid!;
    host.close();
    // Still running when the old helper exits: it waits for that.
    const next = await host.exec(request('/bin/sh', ['-c', `while kill -0 ${old} 2>/dev/null; do :; done; echo ok`]));
    assert.equal(next.error, undefined, next.error?.message);
    assert.equal(next.stdout.trim(), 'ok');
    assert.notEqual(host.helperPid, old);
  });

  it('is what runGit uses, and git errors still say what failed', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    assert.match((await runGit(['rev-parse', 'HEAD'], { cwd: repo })).stdout, /^[0-9a-f]{40}\n$/);
    await assert.rejects(runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo }), /git rev-parse --verify no-such-ref failed in .*: fatal: Needed a single revision/);
  });
});
