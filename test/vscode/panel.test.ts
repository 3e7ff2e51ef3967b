import assert from 'node:assert/strict';
import * as vscode from 'vscode';

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('baton.panel'));
}

function nextTabChange(): Promise<void> {
  return new Promise((resolve) => {
    const d = vscode.window.tabGroups.onDidChangeTabs(() => {
      d.dispose();
      resolve();
    });
  });
}

describe('the agent panel', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Baton: Open Agent Panel" opens one panel, and again reveals the same one', async () => {
    const opened = nextTabChange();
    await vscode.commands.executeCommand('baton.openPanel');
    await opened;
    assert.equal(panelTabs().length, 1);
    assert.equal(panelTabs()[0]?.label, 'Baton Agents');
    await vscode.commands.executeCommand('baton.openPanel');
    assert.equal(panelTabs().length, 1, 'a second call reveals the open panel instead of opening another');
  });
});
