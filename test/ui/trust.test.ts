import assert from 'node:assert/strict';
import { useVsixWorkbench } from '../support/vsixWorkbench';
import { runCommand, screenshot } from '../support/workbench';

// Workspace trust: in a folder the user has not trusted, Baton runs no agent and says why.

describe('Baton in an untrusted workspace', () => {
  const w = useVsixWorkbench({ files: { 'README.md': '# someone else\'s project\n' }, workspaceTrust: true });

  it('refuses to start a workflow, says why, and offers to manage trust; no model is called', async () => {
    // VS Code asks whether to trust the folder's authors: the user says no (restricted mode).
    const no = w.page.getByRole('button', { name: /No, I don.t trust the authors/ });
    if (await no.isVisible().catch(() => false)) await no.click();
    await w.page.locator('.activitybar [aria-label^="Baton"]').first().click();
    await runCommand(w.page, 'Baton: Start Workflow');
    await runCommand(w.page, 'Notifications: Show Notifications');
    const notice = w.page.locator('.notifications-center .notification-list-item', { hasText: 'Baton runs no agent in an untrusted workspace' });
    await notice.waitFor({ timeout: 30_000 });
    assert.ok(await notice.getByRole('button', { name: 'Manage Workspace Trust' }).isVisible());
    await screenshot(w.page, 'untrusted-workspace');
    assert.equal(w.model.requests.filter((r) => r.path.endsWith('/chat/completions')).length, 0, 'no agent, no model call');
  });
});
