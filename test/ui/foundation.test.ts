import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import type { Browser } from '../support/browser';
import { startCodeServer } from '../support/codeServer';
import type { CodeServer } from '../support/codeServer';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { makeRepo } from '../support/repoBuilder';
import { openWorkbench, runCommand, screenshot, webviewFrame } from '../support/workbench';

const vsix = resolve(import.meta.dirname, '..', '..', process.env.BATON_VSIX ?? 'baton-0.1.0.vsix');

describe('Baton installed from its .vsix in VS Code (code-server + Chromium)', function () {
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let model: FakeOpenAI;

  before(async function () {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    const folder = makeRepo({ 'README.md': '# sample project\n', 'src/app.ts': 'export const greet = (n: string) => `hi ${n}`;\n' });
    // A local OpenAI-compatible endpoint, so "Check Setup" can pass with no key and no network.
    model = await startFakeOpenAI({ rules: [] });
    server = await startCodeServer({ workspace: folder, vsix, settings: { 'baton.model.baseUrl': model.baseUrl } });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await openWorkbench(page, server.url, folder);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `FAILED ${this.currentTest.title.replace(/[^\w]+/g, ' ').trim()}`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await model?.close();
  });

  it('shows the Baton sidebar with the agent monitor', async () => {
    await page.locator('.activitybar [aria-label^="Baton"]').first().click();
    const view = page.locator('.pane', { hasText: 'No workflow yet' });
    await view.waitFor({ timeout: 30_000 });
    assert.ok(await view.getByRole('button', { name: 'Start Workflow' }).isVisible());
    assert.ok(await view.getByRole('button', { name: 'Try the Demo' }).isVisible());
    await screenshot(page, 'sidebar');
  });

  it('"Baton: Open Agent Panel" from the palette opens the panel and its webview renders', async () => {
    await runCommand(page, 'Baton: Open Agent Panel');
    const frame = await webviewFrame(page, '#empty');
    assert.equal(await frame.textContent('h1'), 'Baton');
    assert.match((await frame.textContent('#empty')) ?? '', /No workflow yet/);
    // The strict CSP the page was served with (DESIGN.md §3): scripts by nonce only, and nothing
    // from anywhere but VS Code's own webview resource origin.
    const csp = (await frame.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')) ?? '';
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, /script-src 'nonce-[^' ]+'$/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
    const origins = csp.split(/[; ]+/).filter((t) => /^https?:/.test(t));
    assert.ok(origins.every((o) => o === 'https://*.vscode-cdn.net'), `remote origins allowed: ${origins.join(' ')}`);
    await page.locator('.tab', { hasText: 'Baton Agents' }).waitFor();
    await screenshot(page, 'panel');
  });

  it('the panel\'s buttons work from the keyboard and run real commands', async () => {
    const frame = await webviewFrame(page, '#empty');
    await frame.getByRole('button', { name: 'Check Setup' }).focus();
    await page.keyboard.press('Enter');
    // The doctor reports in a notification: real Node, real git, a real repository, a live endpoint.
    await runCommand(page, 'Notifications: Show Notifications');
    const notice = page.locator('.notifications-center .notification-list-item', { hasText: /Baton: .*checks/ });
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), /Baton: all 5 checks passed/);
    assert.ok(model.requests.some((r) => r.path.endsWith('/models')), 'the endpoint was really asked');
    await screenshot(page, 'doctor-notification');
    await page.keyboard.press('Escape');
  });

  it('shows the spend against the budget in the status bar', async () => {
    const item = page.locator('.statusbar-item', { hasText: '$0.00 / $2.00' });
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await page.locator('.tab.active', { hasText: 'Baton Agents' }).waitFor();
    await screenshot(page, 'status-bar');
  });
});
