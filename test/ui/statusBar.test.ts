import assert from 'node:assert/strict';
import { scriptedTeam } from '../support/engineHarness';
import { useVsixWorkbench } from '../support/vsixWorkbench';
import { runCommand, screenshot, startWorkflowFromPalette, webviewFrame } from '../support/workbench';

const plan = { rationale: 'one change', tasks: [
  { id: 't1', title: 'Add a helper', description: 'src/helper.ts', capabilities: ['implement'], dependsOn: [], files: ['src/helper.ts'], risks: [] },
] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 }] };

describe('the budget in VS Code: the status bar when it trips, and a person raising it (real VS Code, Chromium)', () => {
  // gpt-4o is priced, and a budget of a hundredth of a cent is spent by the first model call.
  const w = useVsixWorkbench({
    files: { 'README.md': '# tiny budget\n' },
    model: { fallback: scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'src/helper.ts', content: 'export const helper = 1;\n' } }] } }) },
    settings: { 'baton.model.name': 'gpt-4o', 'baton.budget.perWorkflowUsd': 0.0001 },
  });

  it('turns to the error colour and says why, with the budget as it is ($0.0001, not $0.00); a click opens the panel', async () => {
    await startWorkflowFromPalette(w.page, 'Add a helper on a tiny budget');
    const item = w.page.locator('.statusbar-item.error-kind', { hasText: /\$\d+\.\d+ \/ \$0\.0001/ });
    await item.waitFor({ timeout: 120_000 });
    assert.match((await item.getAttribute('aria-label')) ?? (await item.innerText()), /\$/);
    await screenshot(w.page, 'status-bar-budget');
    await item.click();
    await w.page.locator('.tab.active', { hasText: 'Baton Agents' }).waitFor();
    // The panel says what stopped it, and offers what a person can do about a budget: no diff to open.
    const frame = await webviewFrame(w.page, '.approval');
    const stop = frame.locator('.approval').first();
    assert.match((await stop.textContent()) ?? '', /Stopped at its budget.*spent \$0\.\d+ of its \$0\.0001 budget/s);
    assert.deepEqual(await stop.getByRole('button').allTextContents(), ['Raise Budget…', 'Stop Here'].map((t) => ` ${t}`));
    await screenshot(w.page, 'panel-budget-stop');
  });

  it('asks for the new budget when a person chooses Raise Budget…, and the workflow goes on under it', async () => {
    await runCommand(w.page, 'Notifications: Show Notifications');
    const notice = w.page.locator('.notifications-center .notification-list-item', { hasText: 'Baton needs your decision (budget)' }).first();
    await notice.waitFor({ timeout: 60_000 });
    assert.match(await notice.innerText(), /Raise the budget to go on/);
    await notice.getByRole('button', { name: 'Raise Budget…' }).click();
    const input = w.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    assert.match(await w.page.locator('.quick-input-widget').innerText(), /It has spent \$0\.\d+ of its \$0\.0001 budget/);
    await input.fill('0.00001');
    await w.page.locator('.quick-input-widget', { hasText: 'A number of dollars above' }).waitFor();
    await input.fill('1');
    await w.page.locator('.quick-input-widget', { hasText: 'A number of dollars above' }).waitFor({ state: 'detached' });
    await screenshot(w.page, 'budget-raise');
    await w.page.keyboard.press('Enter');
    // Under its new budget the agent does its task, and the merged work asks before it lands.
    await w.page.locator('.statusbar-item', { hasText: /\$\d+\.\d+ \/ \$1\.00/ }).waitFor({ timeout: 60_000 });
    await runCommand(w.page, 'Notifications: Show Notifications');
    await w.page.locator('.notifications-center .notification-list-item', { hasText: 'Baton needs your approval (merge)' }).first().waitFor({ timeout: 120_000 });
  });
});
