import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';
import { scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { makeRepo } from '../support/repoBuilder';

// `baton run --detach` goes on in a background `baton resume`, which needs the model key for as long as it runs. It
// gets the key on its standard input, never in its environment (which /proc shows), and neither does its git helper.

const cli = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const key = 'sk-proj-Detached0Key1Never2In3Environ4';

const plan = { rationale: 'one step', tasks: [{ id: 't1', title: 'Add greet', description: 'src/greet.js', capabilities: ['implement'], dependsOn: [], files: ['src/greet.js'], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 }] };
const script = scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'src/greet.js', content: 'export const greet = 1;\n' } }] } });

const read = (path: string) => { try { return readFileSync(path, 'utf8'); } catch { return ''; } };

/** The running `baton resume` of `repo` and its children, with their environments, from /proc. */
function backgroundProcesses(repo: string): { cmdline: string; environ: string }[] {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const runner = pids.find((p) => { const c = read(`/proc/${p}/cmdline`); return c.includes('\0resume\0') && c.includes(repo); });
  if (!runner) return [];
  const children = readdirSync(`/proc/${runner}/task`).flatMap((t) => read(`/proc/${runner}/task/${t}/children`).split(' ').filter(Boolean));
  return [runner, ...children].map((p) => ({ cmdline: read(`/proc/${p}/cmdline`), environ: read(`/proc/${p}/environ`) }));
}

const watchers: FSWatcher[] = [];

/** Resolves once `path` holds text matching `re`, watching its folder rather than polling. */
function whenFileSays(path: string, re: RegExp): Promise<string> {
  return new Promise((done) => {
    const check = () => {
      const text = read(path);
      if (!re.test(text)) return false;
      watcher.close();
      done(text);
      return true;
    };
    const watcher = watch(join(path, '..'), () => void check());
    watchers.push(watcher);
    check();
  });
}

describe('baton run --detach (dist/cli.js)', () => {
  let server: FakeOpenAI | undefined;
  after(() => {
    for (const w of watchers) w.close();
    return server?.close();
  });

  it('hands the key to the background process on stdin: its requests carry it, its environment and its helper\'s do not', async () => {
    const repo = makeRepo();
    let seen: { cmdline: string; environ: string }[] = [];
    let found: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (found = resolve));
    server = await startFakeOpenAI({ fallback: (req) => {
      // While the background process waits for this answer, it is certainly running.
      if (!seen.length && req.messages.some((m) => typeof m.content === 'string' && m.content.startsWith('Baton agent'))) {
        seen = backgroundProcesses(repo);
        found();
      }
      return script(req);
    } });
    const env = { ...process.env, BATON_BASE_URL: server.baseUrl, BATON_MODEL: 'test-model', BATON_API_KEY: key, OPENAI_API_KEY: '' };
    const started = await new Promise<string>((done, fail) => execFile(process.execPath, [cli, 'run', 'add greet', '--detach', '--yes'], { cwd: repo, env, timeout: 60_000 }, (e, stdout, stderr) => (e ? fail(new Error(stderr)) : done(stdout))));
    const id = /^(wf-\S+)$/m.exec(started)?.[1];
    assert.ok(id, started);
    await running;
    const log = join(repo, '.git', 'baton', 'logs', `${id}.log`);
    // It ends waiting for the merge approval: no request of it is still on its way when the server closes.
    await whenFileSays(log, /waiting for \d+ approval/);

    assert.ok(seen.length >= 2, `the background resume and its git helper were found: ${seen.map((s) => s.cmdline).join(' | ')}`);
    for (const p of seen) assert.ok(!p.environ.includes(key), `the key is not in the environment of ${p.cmdline.replaceAll('\0', ' ').slice(0, 80)}`);
    assert.ok(server.chatRequests.length > 0 && server.chatRequests.every((r) => r.headers.authorization === `Bearer ${key}`), 'every model call carried the key');
    assert.ok(existsSync(log));
    assert.doesNotMatch(read(log), new RegExp(key));
  });
});
