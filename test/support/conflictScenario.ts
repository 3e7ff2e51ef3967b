// Two agents rewrite the same line of a.txt at once (a textual conflict between their branches), then
// coder adds a dependency, so the workflow stops for an approval with both branches alive. Used by
// the tests of taking a side and of asking an agent to resolve.
export const plan = { rationale: 'the same line twice, then a dependency', tasks: [
  { id: 't1', title: 'English', description: 'a.txt', capabilities: ['implement'], dependsOn: [], files: ['a.txt'], risks: [] },
  // t2 names another file: a plan where two tasks name the same file is made sequential, and nothing would conflict.
  { id: 't2', title: 'French', description: 'a.txt', capabilities: ['test'], dependsOn: [], files: ['b.txt'], risks: [] },
  // A dependency manifest: the workflow stops for an approval of coder's change.
  { id: 't3', title: 'Dependency', description: 'package.json', capabilities: ['implement'], dependsOn: ['t1'], files: ['package.json'], risks: [] },
] };

export const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'scripted', confidence: 1 },
  { taskId: 't2', agentId: 'tester', rationale: 'scripted', confidence: 1 },
  { taskId: 't3', agentId: 'coder', rationale: 'scripted', confidence: 1 },
] };

export const write = (path: string, content: string) => [{ name: 'write_file', args: { path, content } }];

/** coder: "forty-two" in a.txt, then the dependency. */
export const coder = { work: (t: string) => (t === 't3' ? write('package.json', '{"dependencies":{"zod":"4"}}\n') : write('a.txt', 'forty-two\n')) };
