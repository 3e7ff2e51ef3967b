// Driving the real VS Code workbench in Chromium the way a person does: the command palette, the
// activity bar, a webview's frame. Every wait is on something appearing, never a fixed sleep.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

export const screenshotDir = resolve(import.meta.dirname, '..', '..', 'test-results', 'ui');

export async function openWorkbench(page: Page, url: string, folder: string): Promise<void> {
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.activitybar').waitFor({ timeout: 60_000 });
}

/** "Baton: Start Workflow" from the palette, with the job typed into its input box as a user does. */
export async function startWorkflowFromPalette(page: Page, task: string): Promise<void> {
  await runCommand(page, 'Baton: Start Workflow');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(task);
  await page.keyboard.press('Enter');
}

/** The agent monitor (the `baton.agents` tree) in the Baton sidebar. */
export function agentsTree(page: Page): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Agents' }) });
}

/**
 * Runs a command from the palette by its title. The palette may not list an extension's command
 * while the remote extension host is still starting, so it is asked again until it does.
 */
export async function runCommand(page: Page, title: string, attempts = 15): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 3_000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`"${title}" never appeared in the command palette`);
}

/** The frame of a webview that holds `selector`: webview content sits two iframes down. */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (await frame.$(selector).catch(() => null)) return frame;
    }
    await page.waitForEvent('framenavigated', { timeout: 1_000 }).catch(() => undefined);
  }
  throw new Error(`no webview frame contains ${selector}; frames:\n${page.frames().map((f) => f.url()).join('\n')}`);
}

export const docsImageDir = resolve(import.meta.dirname, '..', '..', 'docs', 'images');

/** A screenshot under test-results/ui; with `docs`, also the README's copy under docs/images. */
export async function screenshot(page: Page, name: string, options: { docs?: boolean } = {}): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  if (options.docs) copyFileSync(path, join(docsImageDir, `${name}.png`));
  return path;
}
