// Runs the extension-host tier: starts code-server on a fixture repository, opens the workbench in
// Chromium with VS Code's test payload (extensionDevelopmentPath + extensionTestsPath), prints the
// mocha output the extension host sends back, and exits with its code.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium } from '../support/browser';
import { startCodeServer } from '../support/codeServer';
import { makeRepo } from '../support/repoBuilder';

const root = resolve(import.meta.dirname, '..', '..');
const results = join(root, 'test-results');
const timeoutMs = Number(process.env.BATON_VSCODE_TEST_TIMEOUT_MS ?? 10 * 60_000);

async function main(): Promise<number> {
  mkdirSync(results, { recursive: true });
  const workspace = makeRepo({ 'README.md': '# fixture\n', 'src/index.ts': 'export const answer = 42;\n' });
  const server = await startCodeServer({
    workspace,
    env: { BATON_TEST_SUMMARY: process.env.BATON_TEST_SUMMARY ?? join(results, 'vscode-summary.json') },
  });
  const browser = await launchChromium();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const remote = (p: string) => `vscode-remote://${server.authority}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(join(root, 'out', 'test', 'vscode', 'index.js'))],
      ['skipWelcome', 'true'],
    ]);
    const exit = new Promise<number>((done) => {
      void page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => console.log(...args));
      void page.exposeFunction('codeAutomationExit', (code: number) => done(code));
    });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<number>((done) => (timer = setTimeout(() => done(-1), timeoutMs)));
    const code = await Promise.race([exit, timedOut]);
    clearTimeout(timer);
    await page.screenshot({ path: join(results, 'vscode-tier.png') }).catch(() => undefined);
    if (code === -1) {
      console.error(`extension-host tests did not finish within ${timeoutMs / 1000} s; server log:\n${server.log().slice(-4000)}`);
      return 1;
    }
    return code;
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
