import assert from 'node:assert/strict';
import { scriptedTeam } from '../support/engineHarness';
import { git } from '../support/repoBuilder';
import { files, plan, routing } from '../support/signupScenario';
import { useVsixWorkbench } from '../support/vsixWorkbench';
import { agentsTree, runCommand, screenshot, startWorkflowFromPalette, webviewFrame } from '../support/workbench';

describe('a workflow in VS Code, as a user runs it', () => {
  // A model with a little latency, so the agents are seen at work; gpt-4o is priced, so costs show.
  const w = useVsixWorkbench({
    files: { 'README.md': '# signup\n', 'src/signup.ts': 'export function signup(email: string) { return email; }\n' },
    model: { latencyMs: 250, fallback: scriptedTeam(plan, routing, {
      coder: { work: (t) => [{ name: 'write_file', args: { path: files[t]![0], content: files[t]![1] } }] },
      tester: { work: (t) => [{ name: 'write_file', args: { path: files[t]![0], content: files[t]![1] } }] },
    }) },
    settings: { 'baton.model.name': 'gpt-4o' },
  });

  it('starts a workflow from the palette and shows its agents at work in the sidebar', async () => {
    await w.page.locator('.activitybar [aria-label^="Baton"]').first().click();
    await startWorkflowFromPalette(w.page, 'Add input validation to the signup form, with tests');
    const tree = agentsTree(w.page);
    await tree.locator('.monaco-list-row', { hasText: 'Add input validation to the signup form' }).waitFor({ timeout: 60_000 });
    await tree.locator('.monaco-list-row', { hasText: 'coder' }).waitFor({ timeout: 60_000 });
    await screenshot(w.page, 'workflow-running');
  });

  it('asks for approval of the risky step in a notification; approving finishes the workflow', async () => {
    // The workflow waits: its tree item rings the bell, and the notification center holds the question
    // (headless code-server shows no toasts).
    const tree = agentsTree(w.page);
    await tree.locator('.monaco-list-row .codicon-bell-dot').waitFor({ timeout: 90_000 });
    await runCommand(w.page, 'Notifications: Show Notifications');
    const notice = w.page.locator('.notifications-center .notification-list-item', { hasText: 'Baton needs your approval' }).first();
    await notice.waitFor({ timeout: 30_000 });
    await screenshot(w.page, 'workflow-approval');
    await notice.getByRole('button', { name: 'Approve' }).click();
    // Every further question is approved as it comes (another risky step), until the agents are done
    // and their merged work asks before it lands on the user's branch. The notification center closes
    // when its last notification is answered, so it is opened again for each question.
    const completed = tree.locator('.monaco-list-row', { hasText: /completed/ });
    const next = w.page.locator('.notifications-center .notification-list-item', { hasText: 'Baton needs your approval' }).first();
    let sawMerge = false;
    for (;;) {
      if (await completed.isVisible()) break;
      await runCommand(w.page, 'Notifications: Show Notifications');
      await Promise.race([completed.waitFor({ timeout: 90_000 }), next.waitFor({ timeout: 90_000 })]);
      if (await completed.isVisible()) break;
      const text = await next.innerText();
      if (/Merge the agents' work/.test(text)) {
        sawMerge = true;
        await screenshot(w.page, 'workflow-merge-approval');
      }
      await next.getByRole('button', { name: 'Approve' }).click();
      // The bell goes away once the workflow runs again (or rings again for the next question).
      await w.page.locator('.notifications-center .notification-list-item', { hasText: text.slice(0, 60) }).waitFor({ state: 'detached', timeout: 30_000 });
    }
    assert.ok(sawMerge, 'the merge into the user\'s branch was asked');
    assert.match(git(w.folder, 'log', '--format=%s', 'HEAD'), /Add the zod dependency/, 'the approved merge landed on the user\'s branch');
    // The status bar shows what the workflow cost (gpt-4o is priced).
    const cost = await w.page.locator('.statusbar-item', { hasText: /\$\d+\.\d+ \/ \$\d+\.\d\d/ }).first().innerText();
    const [, spent] = /\$(\d+\.\d+) \/ \$2\.00/.exec(cost) ?? [];
    assert.ok(Number(spent) > 0, `the status bar shows what the workflow spent: ${cost}`);
    await screenshot(w.page, 'workflow-completed');
  });

  it('shows a pending approval in the agent panel, where Approve resumes the workflow', async () => {
    // From the repository as it was before the last workflow's merge, so these agents have changes to make.
    git(w.folder, 'reset', '--hard', '--quiet', git(w.folder, 'rev-list', '--max-parents=0', 'HEAD'));
    await startWorkflowFromPalette(w.page, 'Validate the signup form again');
    const tree = agentsTree(w.page);
    await tree.locator('.monaco-list-row', { hasText: 'Validate the signup form again' }).locator('.codicon-bell-dot').waitFor({ timeout: 90_000 });
    await runCommand(w.page, 'Baton: Open Agent Panel');
    const frame = await webviewFrame(w.page, '.approval');
    assert.match((await frame.textContent('.approval')) ?? '', /Needs your approval.*dependencies/s);
    await screenshot(w.page, 'panel-approval');
    // Approve each question as the panel shows it: the risky steps, then the merge into the user's branch.
    const done = tree.locator('.monaco-list-row', { hasText: 'Validate the signup form again' }).locator('.codicon-pass');
    for (;;) {
      await Promise.race([done.waitFor({ timeout: 90_000 }), frame.locator('.approval').first().waitFor({ timeout: 90_000 })]);
      if (await done.isVisible()) break;
      const label = (await frame.locator('.approval').first().getAttribute('aria-label')) ?? '';
      await frame.locator('.approval').first().getByRole('button', { name: 'Approve' }).click();
      // Until that question is gone (the next may take its place at once). A function, not a string:
      // the panel's CSP (rightly) forbids evaluating strings.
      type Doc = { document: { querySelectorAll(s: string): Iterable<{ getAttribute(n: string): string | null }> } };
      await frame.waitForFunction((l) => ![...(globalThis as unknown as Doc).document.querySelectorAll('.approval')].some((e) => e.getAttribute('aria-label') === l), label, { timeout: 30_000 });
    }
    await frame.locator('.approval').waitFor({ state: 'detached', timeout: 30_000 });
    await screenshot(w.page, 'panel-approved');
  });
});
