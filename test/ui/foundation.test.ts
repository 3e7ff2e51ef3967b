import assert from 'node:assert/strict';
import { useVsixWorkbench } from '../support/vsixWorkbench';
import { runCommand, screenshot, webviewFrame } from '../support/workbench';

describe('Baton installed from its .vsix in VS Code (code-server + Chromium)', () => {
  // A local OpenAI-compatible endpoint, so "Check Setup" can pass with no key and no network.
  const w = useVsixWorkbench({ files: { 'README.md': '# sample project\n', 'src/app.ts': 'export const greet = (n: string) => `hi ${n}`;\n' } });

  it('shows the Baton sidebar with the agent monitor', async () => {
    await w.page.locator('.activitybar [aria-label^="Baton"]').first().click();
    const view = w.page.locator('.pane', { hasText: 'No workflow yet' });
    await view.waitFor({ timeout: 30_000 });
    assert.ok(await view.getByRole('button', { name: 'Start Workflow' }).isVisible());
    assert.ok(await view.getByRole('button', { name: 'Try the Demo' }).isVisible());
    await screenshot(w.page, 'sidebar');
  });

  it('"Baton: Open Agent Panel" from the palette opens the panel and its webview renders', async () => {
    await runCommand(w.page, 'Baton: Open Agent Panel');
    const frame = await webviewFrame(w.page, '#empty');
    assert.equal(await frame.textContent('h1'), 'Baton');
    assert.match((await frame.textContent('#empty')) ?? '', /No workflow yet/);
    // The strict CSP the w.page was served with (DESIGN.md §3): scripts by nonce only, and nothing
    // from anywhere but VS Code's own webview resource origin.
    const csp = (await frame.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')) ?? '';
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, /script-src 'nonce-[^' ]+'$/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
    const origins = csp.split(/[; ]+/).filter((t) => /^https?:/.test(t));
    assert.ok(origins.every((o) => o === 'https://*.vscode-cdn.net'), `remote origins allowed: ${origins.join(' ')}`);
    await w.page.locator('.tab', { hasText: 'Baton Agents' }).waitFor();
    await screenshot(w.page, 'panel');
  });

  it('the panel\'s buttons work from the keyboard and run real commands', async () => {
    const frame = await webviewFrame(w.page, '#empty');
    await frame.getByRole('button', { name: 'Check Setup' }).focus();
    await w.page.keyboard.press('Enter');
    // The doctor reports in a notification: real Node, real git, a real repository, a live endpoint.
    await runCommand(w.page, 'Notifications: Show Notifications');
    const notice = w.page.locator('.notifications-center .notification-list-item', { hasText: /Baton: .*checks/ });
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), /Baton: all 6 checks passed/);
    assert.ok(w.model.requests.some((r) => r.path.endsWith('/models')), 'the endpoint was really asked');
    await screenshot(w.page, 'doctor-notification');
    await w.page.keyboard.press('Escape');
  });

  it('shows the spend against the budget in the status bar', async () => {
    const item = w.page.locator('.statusbar-item', { hasText: '$0.00 / $2.00' });
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await w.page.locator('.tab.active', { hasText: 'Baton Agents' }).waitFor();
    await screenshot(w.page, 'status-bar');
  });
});
