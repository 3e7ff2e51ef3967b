import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/program';

function io(): CliIo & { out: string; err: string } {
  const r = {
    out: '', err: '', env: {}, cwd: process.cwd(),
    stdout: { write: (s: string) => (r.out += s) },
    stderr: { write: (s: string) => (r.err += s) },
  };
  return r;
}

describe('baton argument parsing', () => {
  it('with no command prints the usage and exits 2', async () => {
    const t = io();
    assert.equal(await runCli([], t), 2);
    assert.match(t.out, /^baton \d+\.\d+\.\d+: run a team of LLM agents/);
  });

  it('rejects a missing or extra argument with the usage', async () => {
    let t = io();
    assert.equal(await runCli(['run'], t), 2);
    assert.match(t.err, /"run" takes 1 argument, got 0/);
    t = io();
    assert.equal(await runCli(['approve', 'wf', 'a1', 'extra'], t), 2);
    assert.match(t.err, /"approve" takes 1 to 2 arguments, got 3/);
  });

  it('rejects a flag of another command', async () => {
    const t = io();
    assert.equal(await runCli(['status', 'wf-1', '--port', '3'], t), 2);
    assert.match(t.err, /Unknown option '--port'/);
  });

  it('answers --help after a command', async () => {
    const t = io();
    assert.equal(await runCli(['run', '--help'], t), 0);
    assert.match(t.out, /Exit codes:/);
  });
});
