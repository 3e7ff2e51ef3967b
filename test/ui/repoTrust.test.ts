import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import { scriptedTeam } from '../support/engineHarness';
import { useVsixWorkbench } from '../support/vsixWorkbench';
import { agentsTree, screenshot, startWorkflowFromPalette } from '../support/workbench';

// A repository whose .baton/agents.yaml asks for a check: VS Code asks once, before the first workflow, and keeps
// the answer where `baton trust` reads and writes it. Workspace trust stays off here (as for the other UI tests).

const plan = { rationale: 'one change', tasks: [{ id: 't1', title: 'Change the app', description: 'a new file', capabilities: ['implement'], dependsOn: [], files: [], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 }] };

/** The integration worktrees (kept while a workflow waits for its merge) in which the repository's check left its marker. */
function checkRanIn(folder: string): string[] {
  const dir = join(folder, '.git', 'baton', 'integration');
  return existsSync(dir) ? readdirSync(dir).filter((id) => existsSync(join(dir, id, 'repo-check-ran'))) : [];
}

async function cli(configHome: string, ...args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await runCli(args, { env: { XDG_CONFIG_HOME: configHome }, cwd: '/', stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  assert.equal(code, 0, err);
  return out;
}

describe('a repository that asks Baton to run its check', () => {
  let n = 0;
  const w = useVsixWorkbench({
    files: { 'README.md': '# app\n', '.baton/agents.yaml': 'check: { command: "touch repo-check-ran" }\n' },
    model: { fallback: scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: `change-${++n}.txt`, content: `${n}\n` } }] } }) },
  });

  it('is asked about once, before the workflow starts; Run Without runs it with the user\'s settings only', async () => {
    await w.page.locator('.activitybar [aria-label^="Baton"]').first().click();
    await startWorkflowFromPalette(w.page, 'Change the app');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    assert.match(await dialog.innerText(), /This repository asks Baton to run `touch repo-check-ran` as its check\./);
    await screenshot(w.page, 'repo-trust-question');
    await dialog.getByRole('button', { name: 'Run Without' }).click();
    // Waiting for the merge approval: the agents' work is integrated, where a trusted check would have run.
    const row = agentsTree(w.page).locator('.monaco-list-row', { hasText: 'Change the app' });
    await row.locator('.codicon-bell-dot').waitFor({ timeout: 90_000 });
    assert.deepEqual(checkRanIn(w.folder), [], 'the check the user did not trust never ran');
    assert.equal(JSON.parse(await cli(w.configHome, 'trust', '--show', '--json', '--repo', w.folder)).state, 'declined', 'the CLI reads the answer VS Code kept');
  });

  it('runs the check once trusted with baton trust, without asking again', async () => {
    assert.match(await cli(w.configHome, 'trust', '--yes', '--repo', w.folder), /Trusted: runs use it/);
    await startWorkflowFromPalette(w.page, 'Change the app again');
    // The question is modal and comes before the workflow exists: its row in the tree means nothing was asked.
    const row = agentsTree(w.page).locator('.monaco-list-row', { hasText: 'Change the app again' });
    await row.locator('.codicon-bell-dot').waitFor({ timeout: 90_000 });
    assert.equal(await w.page.locator('.monaco-dialog-box').count(), 0);
    assert.equal(checkRanIn(w.folder).length, 1, 'the trusted check ran on the second workflow\'s merged work');
  });
});
