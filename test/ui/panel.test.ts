import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { scriptedTeam } from '../support/engineHarness';
import { files, plan, routing } from '../support/signupScenario';
import { useVsixWorkbench } from '../support/vsixWorkbench';
import { agentsTree, runCommand, screenshot, startWorkflowFromPalette, webviewFrame } from '../support/workbench';

describe('the agent panel: threads, costs, timeline and approvals (real VS Code, Chromium)', () => {
  // What a model might write: markdown, and things that must never run or load (a remote image, raw HTML, script).
  const message = (taskId: string) => `Done with **${taskId}**: I changed \`${files[taskId]![0]}\`.\n\n\`\`\`ts\n${files[taskId]![1]}\`\`\`\n\n- keeps the API\n- no new warnings\n\n`
    + `![tracking pixel](${w.model.baseUrl}/pixel.png)\n\n<img src="${w.model.baseUrl}/raw.png" onerror="document.title='pwned'"><script>document.title='pwned'</script>`;
  const w = useVsixWorkbench({
    files: { 'README.md': '# signup\n', 'src/signup.ts': 'export function signup(email: string) { return email; }\n' },
    model: { latencyMs: 200, fallback: scriptedTeam(plan, routing, {
      coder: { work: (t) => [{ name: 'write_file', args: { path: files[t]![0], content: files[t]![1] } }], next: (t) => ({ text: message(t), toolCalls: [{ name: 'finish', args: { summary: `coder did ${t}`, confidence: 0.9 } }] }) },
      tester: { work: (t) => [{ name: 'write_file', args: { path: files[t]![0], content: files[t]![1] } }], next: (t) => ({ text: message(t), toolCalls: [{ name: 'finish', args: { summary: `tester did ${t}`, confidence: 0.9 } }] }) },
    }) },
    settings: { 'baton.model.name': 'gpt-4o' },
  });
  let frame: Frame;
  const tree = () => agentsTree(w.page);

  it('shows one thread per agent, rendered from markdown and sanitized, with nothing remote loaded', async () => {
    await w.page.locator('.activitybar [aria-label^="Baton"]').first().click();
    await startWorkflowFromPalette(w.page, 'Add input validation to the signup form, with tests');
    await tree().locator('.monaco-list-row .codicon-bell-dot').waitFor({ timeout: 120_000 });
    await runCommand(w.page, 'Baton: Open Agent Panel');
    frame = await webviewFrame(w.page, '.threads [role="tab"]');
    const tabs = await frame.locator('.threads [role="tab"]').allInnerTexts();
    assert.ok(['coder', 'tester', 'orchestrator'].every((a) => tabs.some((t) => t.startsWith(a))), `one thread per agent: ${tabs.join(' | ')}`);
    await frame.locator('.threads [role="tab"]', { hasText: 'coder' }).click();
    const thread = frame.locator('#thread');
    // The thread opens at its end, like a chat: the last task's message is in view, earlier rows are not in the DOM.
    await thread.locator('.markdown strong', { hasText: 't3' }).first().waitFor();
    assert.equal(await thread.locator('.markdown strong', { hasText: 't1' }).count(), 0, 'rows out of view are not rendered');
    await thread.locator('.vlist').evaluate((el) => el.scrollTo(0, 0));
    await thread.locator('.markdown strong', { hasText: 't1' }).first().waitFor();
    assert.ok(await thread.locator('.markdown pre code').count() > 0, 'code blocks are rendered');
    assert.ok(await thread.locator('.entry.tool', { hasText: 'write_file' }).count() > 0, 'tool calls are in the thread');
    assert.match((await thread.locator('.md-image').first().textContent()) ?? '', /\[image: tracking pixel\]/);
    assert.equal(await thread.locator('img, script, [onerror]').count(), 0, 'no image, script or handler survives the sanitizer');
    assert.notEqual(await frame.locator('body').evaluate((b) => b.ownerDocument.title), 'pwned');
    assert.ok(!w.model.requests.some((r) => /pixel|raw\.png/.test(r.path)), 'nothing remote was loaded');
    await frame.locator('.threads .entry').first().evaluate((el) => el.scrollIntoView());
    await screenshot(w.page, 'panel-threads', { docs: true });
  });

  it('works from the keyboard: arrow keys move between agents, the thread scrolls from the keyboard', async () => {
    await frame.locator('.threads [role="tab"][aria-selected="true"]').focus();
    await w.page.keyboard.press('ArrowRight');
    const selected = frame.locator('.threads [role="tab"][aria-selected="true"]');
    await selected.filter({ hasText: 'tester' }).waitFor();
    assert.equal(await frame.locator('body').evaluate((b) => b.ownerDocument.activeElement?.getAttribute('role')), 'tab', 'focus moved with the selection');
    await w.page.keyboard.press('Tab');
    assert.equal(await frame.locator('body').evaluate((b) => b.ownerDocument.activeElement?.getAttribute('role')), 'log', 'Tab reaches the thread, which scrolls with the arrow keys');
  });

  it('draws costs per agent and over time and a timeline of which agent worked when, in the theme\'s colours', async () => {
    const bars = frame.locator('#cost-by-agent rect.bar');
    assert.ok(await bars.count() >= 2, 'a bar per agent that spent');
    assert.ok(await frame.locator('#cost-over-time path.line').count() >= 2, 'the total and each agent over time');
    const spans = frame.locator('#timeline rect.span');
    assert.ok(await spans.count() >= 3, 'a span per task run');
    const colours = await bars.evaluateAll((els) => els.map((el) => el.ownerDocument.defaultView?.getComputedStyle(el).fill ?? ''));
    const theme = await frame.locator('html').evaluate((h) => h.ownerDocument.defaultView?.getComputedStyle(h).getPropertyValue('--vscode-charts-blue').trim());
    assert.ok(theme, 'VS Code gives the webview its chart colours');
    assert.ok(colours.every((c) => c && c !== 'none' && c !== 'rgb(0, 0, 0)'), `bars take the theme's colours: ${colours.join(', ')}`);
    await frame.locator('.charts').evaluate((el) => el.scrollIntoView());
    await screenshot(w.page, 'panel-charts', { docs: true });
  });

  it('shows the pending approval with its reason, trigger and files; Open Diff runs Show Changes for the agent', async () => {
    const approval = frame.locator('.approval');
    await approval.evaluate((el) => el.scrollIntoView());
    assert.match((await approval.textContent()) ?? '', /Needs your approval.*dependencies.*coder/s);
    await approval.locator('summary').click();
    assert.match((await approval.locator('.diff-summary').textContent()) ?? '', /1 file changed.*package\.json/s);
    await screenshot(w.page, 'panel-approval', { docs: true });
    await approval.getByRole('button', { name: 'Open Diff' }).click();
    // Show Changes opens the agent's multi-file diff in an editor tab of its own.
    await w.page.locator('.tabs-container .tab', { hasText: 'coder\'s changes' }).waitFor({ timeout: 30_000 });
    await w.page.keyboard.press('Escape');
  });

  it('"Open Agent Panel" on an agent in the agent monitor opens that agent\'s thread', async () => {
    // The tree's context menu on coder brings coder's thread.
    // Back to the panel (the diff editor of the test before is in front), on tester's thread.
    await w.page.locator('.tabs-container .tab', { hasText: 'Baton Agents' }).click();
    frame = await webviewFrame(w.page, '.threads [role="tab"]');
    await frame.locator('.threads [role="tab"]', { hasText: 'tester' }).click();
    await frame.locator('.threads [role="tab"][aria-selected="true"]', { hasText: 'tester' }).waitFor();
    await tree().locator('.monaco-list-row', { hasText: 'coder' }).first().click({ button: 'right' });
    const item = w.page.getByRole('menuitem', { name: 'Open Agent Panel' });
    await item.waitFor();
    await item.hover();
    await w.page.keyboard.press('Enter');
    frame = await webviewFrame(w.page, '.threads [role="tab"]');
    await frame.locator('.threads [role="tab"][aria-selected="true"]', { hasText: 'coder' }).waitFor({ timeout: 30_000 });
  });

  it('keeps its state when hidden or reloaded: the chosen agent is still chosen when the panel comes back', async () => {
    // Back to the panel (the diff editor of the test before is in front), on tester's thread.
    await w.page.locator('.tabs-container .tab', { hasText: 'Baton Agents' }).click();
    frame = await webviewFrame(w.page, '.threads [role="tab"]');
    await frame.locator('.threads [role="tab"]', { hasText: 'tester' }).click();
    await frame.locator('.threads [role="tab"][aria-selected="true"]', { hasText: 'tester' }).waitFor();
    // Another editor in front: the panel's document is let go (no retainContextWhenHidden) and rebuilt when shown.
    await runCommand(w.page, 'View: Open Next Editor');
    await w.page.locator('.tab.active', { hasText: 'Baton Agents' }).waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    await runCommand(w.page, 'Baton: Open Agent Panel');
    frame = await webviewFrame(w.page, '.threads [role="tab"][aria-selected="true"]');
    assert.match((await frame.locator('.threads [role="tab"][aria-selected="true"]').textContent()) ?? '', /^tester/);
    // Reloaded: a new document, restored from the state the webview saved, then the host's fresh state and entries.
    const before = frame;
    await runCommand(w.page, 'Developer: Reload Webviews');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !before.isDetached()) await w.page.waitForEvent('framedetached', { timeout: 1_000 }).catch(() => undefined);
    assert.ok(before.isDetached(), 'the webview was reloaded');
    frame = await webviewFrame(w.page, '.threads [role="tab"][aria-selected="true"]');
    assert.match((await frame.locator('.threads [role="tab"][aria-selected="true"]').textContent()) ?? '', /^tester/);
  });

  it('Approve in the panel resumes the workflow until it completes (the risky step, then the merge)', async () => {
    const done = tree().locator('.monaco-list-row', { hasText: /completed/ });
    while (!(await done.isVisible())) {
      await Promise.race([done.waitFor({ timeout: 120_000 }), frame.locator('.approval').first().waitFor({ timeout: 120_000 })]);
      if (await done.isVisible()) break;
      const label = (await frame.locator('.approval').first().getAttribute('aria-label')) ?? '';
      await frame.locator('.approval').first().getByRole('button', { name: 'Approve' }).click();
      await frame.locator(`.approval[aria-label="${label}"]`).waitFor({ state: 'detached', timeout: 60_000 });
    }
    await frame.locator('.threads [role="tab"]', { hasText: 'orchestrator' }).click();
    await frame.locator('#thread .entry.notice', { hasText: 'Workflow completed' }).waitFor({ timeout: 30_000 });
    await screenshot(w.page, 'panel-completed');
  });
});
