import type { BaseMessage } from '@langchain/core/messages';
import type { Script, ScriptedTurn } from './scriptedChatModel';

export const demoTask = 'Add a farewell function with tests, document it, and add a lint script';

const plan = {
  rationale: 'The function first; its tests and docs build on it; the lint script is independent but changes the manifest.',
  tasks: [
    { id: 't1', title: 'Add a farewell function', description: 'src/farewell.js exports farewell(name) returning "Goodbye, <name>!"', capabilities: ['implement'], dependsOn: [], files: ['src/farewell.js'], risks: [] },
    { id: 't2', title: 'Add a lint script', description: 'package.json gets a "lint" script that checks the sources with node --check', capabilities: ['implement'], dependsOn: [], files: ['package.json'], risks: [] },
    { id: 't3', title: 'Test farewell', description: 'test/farewell.test.js covers farewell()', capabilities: ['test'], dependsOn: ['t1'], files: ['test/farewell.test.js'], risks: [] },
    { id: 't4', title: 'Document farewell', description: 'The README describes greet and farewell', capabilities: ['docs'], dependsOn: ['t1'], files: ['README.md'], risks: [] },
  ],
};

const routing = {
  assignments: [
    { taskId: 't1', agentId: 'coder', rationale: 'Implementation work matches the coder\'s capabilities.', confidence: 0.95 },
    { taskId: 't2', agentId: 'coder', rationale: 'A small change to the build setup; the coder owns the manifest.', confidence: 0.8 },
    { taskId: 't3', agentId: 'tester', rationale: 'Writing tests is the tester\'s job.', confidence: 0.95 },
    { taskId: 't4', agentId: 'documenter', rationale: 'README changes go to the documenter.', confidence: 0.9 },
  ],
};

const work: Record<string, (round: number) => ScriptedTurn['toolCalls']> = {
  // Round 1 forgets the trailing "!"; the reviewer asks for it and round 2 fixes it: one review round.
  t1: (round) => [{ name: 'write_file', args: { path: 'src/farewell.js', content: `export function farewell(name) {\n  return \`Goodbye, \${name}${round > 1 ? '!' : ''}\`;\n}\n` } }],
  t2: () => [{ name: 'write_file', args: { path: 'package.json', content: `${JSON.stringify({ name: 'greetings', version: '1.0.0', type: 'module', scripts: { test: 'node --test', lint: 'node --check src/greet.js src/farewell.js' } }, null, 2)}\n` } }],
  t3: () => [{ name: 'write_file', args: { path: 'test/farewell.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { farewell } from '../src/farewell.js';\n\ntest('says goodbye', () => assert.equal(farewell('Ada'), 'Goodbye, Ada!'));\n" } }],
  t4: () => [{ name: 'edit_file', args: { path: 'README.md', old: 'A tiny library that greets people.\n', new: 'A tiny library that greets people.\n\n- `greet(name)`: "Hello, <name>!"\n- `farewell(name)`: "Goodbye, <name>!"\n' } }],
};

function text(m: BaseMessage | undefined): string {
  if (!m) return '';
  return typeof m.content === 'string' ? m.content : m.content.map((p) => (typeof p === 'string' ? p : 'text' in p ? String(p.text) : '')).join('');
}

const json = (value: unknown): ScriptedTurn => ({ content: JSON.stringify(value) });

/** The demo's script: answers each of Baton's prompts by its purpose (the first line of the system prompt). */
export const demoScript: Script = (messages) => {
  const system = text(messages.find((m) => m._getType() === 'system'));
  const user = text(messages.find((m) => m._getType() === 'human'));
  if (system.startsWith('Baton analyze')) return json(plan);
  if (system.startsWith('Baton route')) return json(routing);
  if (system.startsWith('Baton bid')) return json({ fit: 0.8, expectedSteps: 2, note: 'a good fit' });
  if (system.startsWith('Baton reflect')) return json({ worked: ['independent tasks ran in parallel'], failed: ['the first farewell forgot its "!"'], lessons: ['state the exact expected output in the task'] });
  if (system.startsWith('Baton review')) {
    const round = Number(/\(round (\d+)\)/.exec(user)?.[1] ?? 1);
    const needsFix = /^Task t1 /m.test(user) && round === 1 && system.includes('you are reviewer');
    return json(needsFix
      ? { verdict: 'request_changes', comments: 'farewell() must end with "!" like greet() does.', findings: [{ path: 'src/farewell.js', line: 2, severity: 'major', message: 'missing "!"' }] }
      : { verdict: 'approve', comments: 'Looks good.', findings: [] });
  }
  const agent = /^Baton agent ([a-z0-9-]+):/.exec(system)?.[1];
  if (agent) {
    const taskId = /^Your task (\S+):/m.exec(user)?.[1] ?? '';
    const round = /A reviewer asked for changes/.test(user) ? 2 : 1;
    const last = messages.at(-1);
    if (last?._getType() === 'human') return { content: `Working on ${taskId}.`, toolCalls: work[taskId]?.(round) ?? [] };
    return { toolCalls: [{ name: 'finish', args: { summary: `${agent} completed ${taskId}${round > 1 ? ' after the review' : ''}.`, confidence: 0.9 } }] };
  }
  return { content: 'The demo script has no answer for this prompt.' };
};
