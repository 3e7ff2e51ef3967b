import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { conversation, scriptedTeam } from '../support/engineHarness';
import type { Locator } from 'playwright-core';
import { git } from '../support/repoBuilder';
import { useVsixWorkbench } from '../support/vsixWorkbench';
import type { VsixWorkbench } from '../support/vsixWorkbench';
import { agentsTree, runCommand, screenshot, startWorkflowFromPalette } from '../support/workbench';

// coder and tester both rewrite README.md (a textual conflict, marked in the editor); coder then
// adds a dependency, so the workflow waits for the user with both branches alive.
const plan = { rationale: 'one file twice, then a dependency', tasks: [
  { id: 't1', title: 'README in English', description: 'README.md', capabilities: ['implement'], dependsOn: [], files: ['README.md'], risks: [] },
  { id: 't2', title: 'README in French', description: 'README.md as well', capabilities: ['test'], dependsOn: [], files: ['docs/fr.md'], risks: [] },
  { id: 't3', title: 'Add zod', description: 'package.json', capabilities: ['implement'], dependsOn: ['t1'], files: ['package.json'], risks: [] },
] };
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 },
  { taskId: 't2', agentId: 'tester', rationale: 'translates', confidence: 1 },
  { taskId: 't3', agentId: 'coder', rationale: 'owns the manifest', confidence: 1 },
] };
const write = (path: string, content: string) => [{ name: 'write_file', args: { path, content } }];
const task = 'Welcome readers in English and French';

/** A screenshot the README shows, kept in docs/images beside the test-results copy. */
async function readmeShot(page: Parameters<typeof screenshot>[0], name: string): Promise<void> {
  const images = resolve(import.meta.dirname, '..', '..', 'docs', 'images');
  mkdirSync(images, { recursive: true });
  copyFileSync(await screenshot(page, name), join(images, `${name}.png`));
}

const files = { 'README.md': '# Signup\n\nA small signup service.\n', 'src/signup.ts': 'export function signup(email: string) { return email; }\n' };
const coder = { work: (t: string) => (t === 't3' ? write('package.json', '{"dependencies":{"zod":"^4"}}\n') : write('README.md', '# Signup\n\nWelcome! A small signup service.\n')) };
const french = write('README.md', '# Inscription\n\nBienvenue ! Un petit service d\'inscription.\n');

/**
 * Starts the workflow from the palette, waits until it stops for the approval with both branches
 * alive (unless `stopped` is false), opens README.md at the conflict and opens the lightbulb's quick
 * fixes. Returns the editor.
 */
async function quickFixesOnTheConflict(w: VsixWorkbench, row: () => Locator, stopped = true) {
  await w.page.locator('.activitybar [aria-label^="Baton"]').first().click();
  await startWorkflowFromPalette(w.page, task);
  if (stopped) await row().locator('.codicon-bell-dot').waitFor({ timeout: 90_000 });
  await runCommand(w.page, 'Go to File...');
  await w.page.locator('.quick-input-widget input').fill('README.md');
  await w.page.locator('.quick-input-list .monaco-list-row', { hasText: 'README.md' }).first().waitFor();
  await w.page.keyboard.press('Enter');
  const editor = w.page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
  // The cursor on the marked line (both agents rewrote line 3) brings the lightbulb. Moved there from
  // the keyboard: a hover over the marker can cover the line and take a mouse click.
  await editor.locator('.view-line', { hasText: 'small signup service' }).waitFor();
  await w.page.keyboard.press('Escape');
  await w.page.keyboard.press('Control+g');
  await w.page.locator('.quick-input-widget input').fill(':3');
  await w.page.keyboard.press('Enter');
  const bulb = w.page.locator('.lightBulbWidget');
  await bulb.waitFor({ state: 'visible', timeout: 30_000 });
  await bulb.click();
  return editor;
}

describe('diffs, approvals and quick fixes in the editor (code-server + Chromium)', () => {
  const w = useVsixWorkbench({ files, model: { fallback: scriptedTeam(plan, routing, { coder, tester: { work: () => french } }) } });
  const tree = () => agentsTree(w.page);
  const row = () => tree().locator('.monaco-list-row', { hasText: task });

  it('marks the conflict in the file; the lightbulb\'s quick fix takes one agent\'s side and the marker goes', async () => {
    const editor = await quickFixesOnTheConflict(w, row);
    const fix = w.page.locator('.action-widget .monaco-list-row', { hasText: 'take coder\'s side' });
    await fix.waitFor();
    assert.ok(await w.page.locator('.action-widget .monaco-list-row', { hasText: 'open the comparison of coder\'s and tester\'s README.md' }).isVisible());
    await readmeShot(w.page, 'conflict-quick-fix');
    await fix.click();
    await editor.locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: 60_000 });
    await screenshot(w.page, 'conflict-resolved');
  });

  it('"Show Changes" opens the multi-file diff with Approve in its title bar; approving goes on, rejecting the merge ends the workflow', async () => {
    await runCommand(w.page, 'Baton: Show Changes');
    const input = w.page.locator('.quick-input-widget input');
    await w.page.locator('.quick-input-list .monaco-list-row', { hasText: 'coder' }).first().waitFor();
    await input.fill('coder');
    await w.page.keyboard.press('Enter');
    await w.page.locator('.tab.active', { hasText: 'coder\'s changes' }).waitFor({ timeout: 30_000 });
    await w.page.locator('.monaco-diff-editor .view-line', { hasText: 'Welcome!' }).first().waitFor({ timeout: 30_000 });
    const approve = w.page.locator('.editor-actions [aria-label^="Approve"]');
    await approve.waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok(await w.page.locator('.editor-actions [aria-label^="Reject"]').isVisible());
    // Its tooltip in the picture, so a reader sees which button approves.
    await approve.hover();
    await w.page.locator('.monaco-hover, .workbench-hover', { hasText: 'Approve' }).first().waitFor({ timeout: 10_000 });
    await readmeShot(w.page, 'diff-approval');
    await approve.click();
    // The work is integrated, and Baton asks whether to merge it into the user's branch: the title
    // bar offers Approve / Reject again, for that question. Rejecting asks why, then the workflow
    // ends cleanly with the result kept on its branch.
    await runCommand(w.page, 'Notifications: Show Notifications');
    await w.page.locator('.notifications-center .notification-list-item', { hasText: 'Baton needs your approval (merge)' }).first().waitFor({ timeout: 90_000 });
    await w.page.keyboard.press('Escape');
    await w.page.locator('.tab', { hasText: 'coder\'s changes' }).click();
    await w.page.locator('.editor-actions [aria-label^="Reject"]').click();
    const why = w.page.locator('.quick-input-widget', { hasText: 'why reject?' });
    await why.waitFor();
    await why.locator('input').fill('keep it on its branch for now');
    await w.page.keyboard.press('Enter');
    await row().locator('.codicon-pass').waitFor({ timeout: 90_000 });
    // Nothing waits any more: the title bar's Approve goes with the approval.
    await approve.waitFor({ state: 'detached', timeout: 30_000 });
    await screenshot(w.page, 'diff-decided');
  });
});

describe('asking an agent to resolve a conflict from the editor (code-server + Chromium)', () => {
  const both = '# Signup / Inscription\n\nWelcome! Bienvenue ! A small signup service.\n';
  const w = useVsixWorkbench({ files, model: { fallback: scriptedTeam(plan, routing, {
    coder,
    // Asked to resolve, tester finds README.md merging with git's markers, and writes both languages.
    tester: { work: (t) => (t.startsWith('resolve-tester') ? write('README.md', both) : french) },
  }) } });
  const row = () => agentsTree(w.page).locator('.monaco-list-row', { hasText: task });

  it('"ask tester to resolve" merges coder\'s branch into tester\'s, the agent resolves it, and the marker goes', async () => {
    const editor = await quickFixesOnTheConflict(w, row);
    const fix = w.page.locator('.action-widget .monaco-list-row', { hasText: 'ask tester to resolve' });
    await fix.waitFor();
    await screenshot(w.page, 'conflict-ask-to-resolve');
    await fix.click();
    await editor.locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: 90_000 });
    await runCommand(w.page, 'Notifications: Show Notifications');
    await w.page.locator('.notifications-center .notification-list-item', { hasText: 'tester is merging coder\'s branch and resolving README.md' }).first().waitFor({ timeout: 30_000 });
    await screenshot(w.page, 'conflict-resolved-by-agent');
    const branch = git(w.folder, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/baton/*/tester');
    assert.equal(git(w.folder, 'show', `${branch}:README.md`), both.trimEnd());
    assert.equal(git(w.folder, 'rev-list', '--parents', '-n', '1', branch).split(' ').length, 3, 'the resolution is a merge commit');
    assert.equal(git(w.folder, 'status', '--porcelain'), '', 'the user\'s working tree is untouched');
  });
});

describe('asking an agent to resolve while the workflow runs (code-server + Chromium)', () => {
  const both = '# Signup / Inscription\n\nWelcome! Bienvenue ! A small signup service.\n';
  // coder's t3 waits on its model (once), so the workflow is still running when the conflict shows.
  const running = { ...plan, tasks: plan.tasks.map((t) => (t.id === 't3' ? { ...t, title: 'Add a helper', files: ['src/helper.ts'] } : t)) };
  const w = useVsixWorkbench({ files, model: {
    rules: [{ name: 't3 hangs once', match: (req) => conversation(req).system.startsWith('Baton agent coder') && conversation(req).user.startsWith('Your task t3'), reply: () => ({ fault: { kind: 'hang' } }), times: 1 }],
    fallback: scriptedTeam(running, routing, {
      coder: { work: (t) => (t === 't3' ? write('src/helper.ts', 'export const helper = 1;\n') : coder.work(t)) },
      tester: { work: (t) => (t.startsWith('resolve-tester') ? write('README.md', both) : french) },
    }),
  } });
  const row = () => agentsTree(w.page).locator('.monaco-list-row', { hasText: task });

  it('offers to pause the workflow first; then tester resolves the conflict and the paused task goes on', async () => {
    const editor = await quickFixesOnTheConflict(w, row, false);
    await w.page.locator('.action-widget .monaco-list-row', { hasText: 'ask tester to resolve' }).click();
    await runCommand(w.page, 'Notifications: Show Notifications');
    const offer = w.page.locator('.notifications-center .notification-list-item', { hasText: 'is running. Pause it so that tester resolves the conflict over README.md first?' });
    await offer.waitFor({ timeout: 30_000 });
    await screenshot(w.page, 'conflict-pause-and-ask');
    await offer.locator('.monaco-button', { hasText: 'Pause and Ask' }).click();
    await editor.locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: 90_000 });
    const branch = (agent: string) => git(w.folder, 'for-each-ref', '--format=%(refname:short)', `refs/heads/baton/*/${agent}`);
    assert.equal(git(w.folder, 'show', `${branch('tester')}:README.md`), both.trimEnd());
    // The task the pause stopped ran again: the merge approval (both branches merged) is what waits now.
    await row().locator('.codicon-bell-dot').waitFor({ timeout: 90_000 });
    assert.equal(git(w.folder, 'show', `${branch('coder')}:src/helper.ts`), 'export const helper = 1;');
    await screenshot(w.page, 'conflict-resolved-after-pause');
  });
});
