import assert from 'node:assert/strict';
import { scriptedTeam } from '../support/engineHarness';
import { useVsixWorkbench } from '../support/vsixWorkbench';
import { screenshot, startWorkflowFromPalette } from '../support/workbench';

const plan = { rationale: 'one change', tasks: [
  { id: 't1', title: 'Add a helper', description: 'src/helper.ts', capabilities: ['implement'], dependsOn: [], files: ['src/helper.ts'], risks: [] },
] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 }] };

describe('the status bar when the budget breaker trips (real VS Code, Chromium)', () => {
  // gpt-4o is priced, and a budget of a hundredth of a cent is spent by the first model call.
  const w = useVsixWorkbench({
    files: { 'README.md': '# tiny budget\n' },
    model: { fallback: scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'src/helper.ts', content: 'export const helper = 1;\n' } }] } }) },
    settings: { 'baton.model.name': 'gpt-4o', 'baton.budget.perWorkflowUsd': 0.0001 },
  });

  it('turns to the error colour and says why; a click opens the panel', async () => {
    await startWorkflowFromPalette(w.page, 'Add a helper on a tiny budget');
    const item = w.page.locator('.statusbar-item.error-kind', { hasText: /\$\d+\.\d\d \/ \$0\.00/ });
    await item.waitFor({ timeout: 120_000 });
    assert.match((await item.getAttribute('aria-label')) ?? (await item.innerText()), /\$/);
    await screenshot(w.page, 'status-bar-budget');
    await item.click();
    await w.page.locator('.tab.active', { hasText: 'Baton Agents' }).waitFor();
  });
});
