import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { AuditLog, auditLogPath, describeCorruptLines, readAuditLog } from '../../src/core/events/auditLog';
import { AuditLogRecorder } from '../../src/core/events/auditLogRecorder';
import { EventBus } from '../../src/core/events/eventBus';
import type { EventOf } from '../../src/core/events/events';

const root = join(import.meta.dirname, '..', '..');

function routedEvent(seq: number, workflowId = 'wf-1'): EventOf<'task.routed'> {
  return {
    v: 1,
    seq,
    ts: '2026-11-22T10:00:00.000Z',
    workflowId,
    type: 'task.routed',
    data: { taskId: `t${seq}`, agentId: 'coder', rationale: 'writes code', strategy: 'llm' },
  };
}

describe('audit log', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'baton-audit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives under <batonDir>/audit/<workflowId>.jsonl and refuses ids that would escape it', () => {
    assert.equal(auditLogPath('/repo/.git/baton', 'wf-20261122-a1'), join('/repo/.git/baton', 'audit', 'wf-20261122-a1.jsonl'));
    for (const bad of ['../x', 'a/b', '', '.hidden', 'a..b']) assert.throws(() => auditLogPath('/b', bad), /cannot name an audit log file/, bad);
  });

  it('appends events as JSON lines, creating its directories, and reads them back', async () => {
    const path = auditLogPath(join(dir, '.git', 'baton'), 'wf-1');
    const log = new AuditLog(path);
    const events = [routedEvent(1), routedEvent(2), routedEvent(3)];
    for (const event of events) log.append(event);
    log.close();
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 4);
    const read = await readAuditLog(path);
    assert.deepEqual(read, { events, corruptLines: [], tornTail: false });
  });

  it('keeps the lines of two processes appending at once intact', async () => {
    const path = join(dir, 'shared.jsonl');
    const perWriter = 300;
    // Lines larger than PIPE_BUF (4 KiB), the size below which POSIX promises atomic pipe writes: files need O_APPEND.
    const script = `
      const { AuditLog } = await import(${JSON.stringify(join(root, 'src/core/events/auditLog.ts'))});
      const log = new AuditLog(process.env.LOG_PATH);
      const writer = process.env.WRITER;
      process.stdout.write('ready\\n');
      process.stdin.once('data', () => {
        for (let seq = 1; seq <= ${perWriter}; seq++) {
          log.append({ v: 1, seq, ts: new Date().toISOString(), workflowId: 'wf-1', type: 'agent.message', agent: writer,
            data: { taskId: 't', role: 'assistant', content: writer.repeat(6000) } });
        }
        log.close();
        process.exit(0);
      });`;
    const writers = ['a', 'b'].map((writer) =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root,
        env: { ...process.env, LOG_PATH: path, WRITER: writer },
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    // Start both together so their appends really overlap (process start-up dwarfs the writing).
    await Promise.all(writers.map((child) => once(child.stdout, 'data')));
    const exits = writers.map((child) => once(child, 'exit'));
    for (const child of writers) child.stdin.write('go\n');
    const codes = await Promise.all(exits);
    assert.deepEqual(codes.map(([code]) => code), [0, 0]);

    const { events, corruptLines, tornTail } = await readAuditLog(path);
    assert.deepEqual(corruptLines, []);
    assert.equal(tornTail, false);
    assert.equal(events.length, 2 * perWriter);
    for (const writer of ['a', 'b']) {
      const mine = events.filter((event) => event.agent === writer);
      assert.deepEqual(mine.map((event) => event.seq), Array.from({ length: perWriter }, (_, i) => i + 1));
      assert.ok(mine.every((event) => event.type === 'agent.message' && event.data.content === writer.repeat(6000)));
    }
  });

  it('skips a torn last line, and a later writer starts a fresh line after it', async () => {
    const path = join(dir, 'torn.jsonl');
    const first = new AuditLog(path);
    first.append(routedEvent(1));
    first.close();
    // What a crash in the middle of write() leaves behind.
    appendFileSync(path, JSON.stringify(routedEvent(2)).slice(0, 40));

    const torn = await readAuditLog(path);
    assert.deepEqual(torn.events.map((event) => event.seq), [1]);
    assert.equal(torn.tornTail, true);
    assert.deepEqual(torn.corruptLines, []);

    const second = new AuditLog(path);
    second.append(routedEvent(3));
    second.close();
    const after = await readAuditLog(path);
    assert.deepEqual(after.events.map((event) => event.seq), [1, 3]);
    assert.equal(after.tornTail, false);
    assert.equal(after.corruptLines.length, 1);
    assert.equal(after.corruptLines[0]?.line, 2);
    assert.match(describeCorruptLines(path, after.corruptLines), /torn\.jsonl:2: skipped: not valid JSON: an incomplete line/);
  });

  it('reports a valid JSON line that is not a Baton event with its line number', async () => {
    const path = join(dir, 'odd.jsonl');
    const log = new AuditLog(path);
    log.append(routedEvent(1));
    log.close();
    appendFileSync(path, `${JSON.stringify({ ...routedEvent(2), type: 'agent.danced' })}\n`);
    const { events, corruptLines } = await readAuditLog(path);
    assert.equal(events.length, 1);
    assert.deepEqual(corruptLines.map((problem) => problem.line), [2]);
    assert.match(corruptLines[0]?.reason ?? '', /"agent\.danced" is not a Baton event type/);
  });

  it('says what to do when there is no log', async () => {
    await assert.rejects(readAuditLog(join(dir, 'nope.jsonl')), /No audit log at .*nope\.jsonl\. Check the workflow id/);
  });

  it('records every bus event per workflow with no secret in the file', async () => {
    const batonDir = join(dir, '.git', 'baton');
    const bus = new EventBus();
    const recorder = new AuditLogRecorder(bus, batonDir);
    bus.emit('wf-a', 'workflow.started', { task: 'use key sk-abcdefghijklmnopqrstuvwx', mode: 'centralized' });
    const args = 'psql postgres://baton:hunter2hunter2@db:5432/baton -c "select 1"';
    bus.emit('wf-a', 'agent.tool_call', { taskId: 't', tool: 'run_command', args, ok: false, error: 'Authorization: Bearer abcdef123456' }, 'tester');
    bus.emit('wf-b', 'workflow.started', { task: 'other', mode: 'event-driven' });
    bus.emit('wf-a', 'workflow.completed', { summary: 'ok', costUsd: 0.1, durationMs: 5, tasksCompleted: 1 });
    recorder.dispose();

    const text = readFileSync(auditLogPath(batonDir, 'wf-a'), 'utf8');
    for (const secret of ['sk-abcdefghijklmnopqrstuvwx', 'hunter2hunter2', 'abcdef123456']) assert.ok(!text.includes(secret), secret);
    const a = await readAuditLog(auditLogPath(batonDir, 'wf-a'));
    assert.deepEqual(a.events.map((event) => `${event.seq}:${event.type}`), ['1:workflow.started', '2:agent.tool_call', '3:workflow.completed']);
    const b = await readAuditLog(auditLogPath(batonDir, 'wf-b'));
    assert.deepEqual(b.events.map((event) => `${event.seq}:${event.type}`), ['1:workflow.started']);
  });

  it('redacts an event written directly, not through the bus', async () => {
    const path = join(dir, 'direct.jsonl');
    const log = new AuditLog(path, () => ['very-private-key']);
    log.append({ ...routedEvent(1), data: { taskId: 't', agentId: 'coder', rationale: 'key very-private-key', strategy: 'llm' } });
    log.close();
    assert.ok(!readFileSync(path, 'utf8').includes('very-private-key'));
  });
});
