// The signup scenario the UI tests run: code, tests and a new dependency (the risky step that asks
// for approval), with what each task writes.

export const plan = { rationale: 'code, tests and a new dependency', tasks: [
  { id: 't1', title: 'Add input validation', description: 'src/validate.ts', capabilities: ['implement'], dependsOn: [], files: ['src/validate.ts'], risks: [] },
  { id: 't2', title: 'Test the validation', description: 'test/validate.test.ts', capabilities: ['test'], dependsOn: [], files: ['test/validate.test.ts'], risks: [] },
  { id: 't3', title: 'Add the zod dependency', description: 'package.json', capabilities: ['implement'], dependsOn: ['t1'], files: ['package.json'], risks: [] },
] };
export const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 },
  { taskId: 't2', agentId: 'tester', rationale: 'tests', confidence: 1 },
  { taskId: 't3', agentId: 'coder', rationale: 'owns the manifest', confidence: 1 },
] };
export const files: Record<string, [string, string]> = {
  t1: ['src/validate.ts', 'export const valid = (s: string) => s.length > 0;\n'],
  t2: ['test/validate.test.ts', '// tests\n'],
  t3: ['package.json', '{"dependencies":{"zod":"^4"}}\n'],
};
