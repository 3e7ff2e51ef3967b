// Reads VS Code's own activation figures from "Developer: Show Running Extensions". Each row
// shows "Activation: N ms" (or "Startup Activation: N ms"), N being the extension host's
// codeLoadingTime + activateCallTime for that extension: loading its main module and running
// activate() to the end.
import type { Page } from 'playwright-core';
import { runCommand } from '../../test/support/workbench';

export interface RunningExtension {
  /** The display name shown in the row. */
  name: string;
  /** Milliseconds, or undefined while it is activating. */
  activationMs: number | undefined;
  startup: boolean;
}

const rows = '.runtime-extensions-editor .monaco-list-row';

/** Settings for the code-server: VS Code 1.139 opens this editor as a modal over the views by default. */
export const runningExtensionsSettings = { 'workbench.editor.useModal': 'off' };

export async function showRunningExtensions(page: Page): Promise<void> {
  await runCommand(page, 'Developer: Show Running Extensions');
  await page.locator(rows).first().waitFor({ timeout: 30_000 });
}

/** The rows the editor shows now; throws while its virtual list shows only some (keep the window tall). */
async function readRunningExtensions(page: Page): Promise<RunningExtension[]> {
  const raw = await page.locator(rows).evaluateAll((elements) =>
    elements.map((row) => ({
      name: row.querySelector('.name')?.textContent ?? '',
      time: row.querySelector('.activation-time')?.textContent ?? '',
      of: Number(row.getAttribute('aria-setsize') ?? 0),
    })));
  const total = raw[0]?.of ?? 0;
  if (raw.length < total) throw new Error(`the running-extensions list shows ${raw.length} of ${total} rows`);
  return raw.map(({ name, time }) => {
    const ms = /(\d+)\s*ms/.exec(time)?.[1];
    return { name, activationMs: ms === undefined ? undefined : Number(ms), startup: time.startsWith('Startup') };
  });
}

/** Asks `probe` until it answers; the list re-renders as extensions activate, so a failed read is asked again. */
async function poll<T>(page: Page, what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let problem = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${problem ? ` (last: ${problem})` : ''}`);
}

/** Every row of the list, once it is fully rendered. */
export function readAllRunningExtensions(page: Page, timeoutMs = 10_000): Promise<RunningExtension[]> {
  return poll(page, 'the running-extensions list to show all its rows', timeoutMs, () => readRunningExtensions(page));
}

/**
 * Waits until the extension host has finished its own start-up activations: every row has a
 * figure and the list has not changed for a second. An extension activated while others still
 * load would have their work counted in its code-loading time.
 */
export async function waitForQuietHost(page: Page, timeoutMs = 60_000): Promise<void> {
  let last = '';
  let since = Date.now();
  await poll(page, 'the extension host to finish its start-up activations', timeoutMs, async () => {
    const now = await readRunningExtensions(page);
    const key = JSON.stringify(now);
    if (key !== last || now.some((e) => e.activationMs === undefined)) {
      last = key;
      since = Date.now();
      return undefined;
    }
    return Date.now() - since >= 1000 ? true : undefined;
  });
}

/** Waits for an extension's row to show its activation figure (the editor updates as they activate). */
export async function waitForActivation(page: Page, displayName: string, timeoutMs = 30_000): Promise<RunningExtension> {
  return poll(page, `${displayName} to activate`, timeoutMs, async () =>
    (await readRunningExtensions(page)).find((e) => e.name === displayName && e.activationMs !== undefined));
}
