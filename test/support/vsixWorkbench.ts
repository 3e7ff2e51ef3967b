// The UI tier's fixture: Baton's .vsix installed in a real VS Code (code-server), a fake model
// endpoint set in the user settings, a fixture repository open, and Chromium on the workbench.
// A failed test leaves a screenshot under test-results/ui/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './browser';
import type { Browser } from './browser';
import { startCodeServer } from './codeServer';
import type { CodeServer } from './codeServer';
import { startFakeOpenAI } from './fakeOpenAI';
import type { FakeOpenAI, FakeOpenAIOptions } from './fakeOpenAI';
import { makeRepo } from './repoBuilder';
import { openWorkbench, screenshot } from './workbench';

export const vsixPath = resolve(import.meta.dirname, '..', '..', process.env.BATON_VSIX ?? 'baton-0.1.0.vsix');

export interface VsixWorkbench {
  page: Page;
  model: FakeOpenAI;
  /** The workspace folder: a real git repository. */
  folder: string;
  /** The XDG_CONFIG_HOME VS Code's extension host sees, as a CLI run by the same user would. */
  configHome: string;
}

/** Registers mocha hooks for the enclosing describe and returns the fixture they fill. */
export function useVsixWorkbench(options: { files: Record<string, string>; model?: FakeOpenAIOptions; settings?: Record<string, unknown>; workspaceTrust?: boolean }): VsixWorkbench {
  const fixture = {} as VsixWorkbench;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;

  before(async () => {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run \`npm run package\` first`);
    const folder = makeRepo(options.files);
    fixture.folder = folder;
    fixture.model = await startFakeOpenAI(options.model ?? { rules: [] });
    server = await startCodeServer({ workspace: folder, vsix: vsixPath, settings: { 'baton.model.baseUrl': fixture.model.baseUrl, ...options.settings }, workspaceTrust: options.workspaceTrust });
    fixture.configHome = server.configHome;
    browser = await launchChromium();
    fixture.page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await openWorkbench(fixture.page, server.url, folder);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && fixture.page) await screenshot(fixture.page, `FAILED ${this.currentTest.title.replace(/[^\w]+/g, ' ').trim()}`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await fixture.model?.close();
  });

  return fixture;
}
