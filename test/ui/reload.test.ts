import assert from 'node:assert/strict';
import { scriptedTeam } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { useVsixWorkbench } from '../support/vsixWorkbench';
import { agentsTree, runCommand, screenshot, startWorkflowFromPalette } from '../support/workbench';

// A window reload while agents work: the workflow reappears in the tree and goes on from its checkpoint.

const plan = { rationale: 'three steps in a row', tasks: ['t1', 't2', 't3'].map((id, i) => ({
  id, title: `Write part ${i + 1}`, description: `src/part${i + 1}.ts`, capabilities: ['implement'], dependsOn: i ? [`t${i}`] : [], files: [`src/part${i + 1}.ts`], risks: [],
})) };
const routing = { assignments: plan.tasks.map((t) => ({ taskId: t.id, agentId: 'coder', rationale: 'implements', confidence: 1 })) };
const coder: AgentScript = {
  work: (t) => [{ name: 'write_file', args: { path: `src/${t}.ts`, content: `export const ${t} = 1;\n` } }],
  // A second turn per task, so the workflow is long enough to be caught in the middle.
  next: (t, req) => (req.messages.filter((m) => m.role === 'assistant').length < 2 ? { toolCalls: [{ name: 'write_file', args: { path: `src/${t}.more.ts`, content: '// more\n' } }] } : undefined),
};

describe('a window reload while agents work', () => {
  const task = 'Write the three parts of the importer';
  const w = useVsixWorkbench({
    files: { 'README.md': '# importer\n' },
    model: { latencyMs: 700, fallback: scriptedTeam(plan, routing, { coder }) },
  });

  it('"Developer: Reload Window": the workflow reappears in the agent monitor and goes on from its checkpoint', async () => {
    await w.page.locator('.activitybar [aria-label^="Baton"]').first().click();
    await startWorkflowFromPalette(w.page, task);
    const tree = agentsTree(w.page);
    await tree.locator('.monaco-list-row', { hasText: 'coder' }).waitFor({ timeout: 60_000 });
    await screenshot(w.page, 'reload-before');
    const before = w.model.requests.length;

    const reloaded = w.page.waitForEvent('load', { timeout: 60_000 });
    await runCommand(w.page, 'Developer: Reload Window');
    await reloaded;
    // The new window: the workflow is listed again, Baton says it goes on from its checkpoint, and it
    // reaches its end (the merge of the agents' work waits for the user: the bell).
    const row = tree.locator('.monaco-list-row', { hasText: task });
    await row.waitFor({ timeout: 90_000 });
    await runCommand(w.page, 'Notifications: Show Notifications');
    await w.page.locator('.notifications-center .notification-list-item', { hasText: 'was interrupted; it goes on from its last checkpoint' }).waitFor({ timeout: 60_000 });
    await screenshot(w.page, 'reload-after');
    await row.locator('.codicon-bell-dot').waitFor({ timeout: 120_000 });
    const chats = w.model.requests.slice(before).filter((r) => r.path.endsWith('/chat/completions'));
    assert.ok(chats.length > 0, 'the agents went on after the reload');
    await screenshot(w.page, 'reload-resumed');
  });
});
