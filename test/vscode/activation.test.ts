import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'baton-dev.baton';

interface Contributions {
  activationEvents: string[];
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
}

function manifest(): Contributions {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext, `${extensionId} is installed`);
  return ext.packageJSON as Contributions;
}

describe('Baton in a real VS Code', () => {
  it('is not active before one of its commands or views is used', () => {
    // Nothing of Baton's has been touched yet in this window: activation must be lazy.
    assert.equal(vscode.extensions.getExtension(extensionId)?.isActive, false);
    assert.ok(!manifest().activationEvents.includes('*'));
  });

  it('activates', async () => {
    const ext = vscode.extensions.getExtension(extensionId)!;
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every contributed command', async () => {
    const declared = manifest().contributes.commands.map((c) => c.command);
    assert.ok(declared.length >= 13, `package.json declares ${declared.length} commands`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  it('runs on a Node.js with node:sqlite, as Baton\'s state needs', () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    assert.ok(major > 22 || (major === 22 && minor >= 13), `extension host runs Node ${process.versions.node}`);
    const sqlite = process.getBuiltinModule('node:sqlite');
    const db = new sqlite.DatabaseSync(':memory:');
    assert.deepEqual({ ...db.prepare('select 1 + 1 as two').get() }, { two: 2 });
    db.close();
  });

  it('contributes the Baton sidebar with the agent monitor', async () => {
    assert.deepEqual(manifest().contributes.views.baton?.map((v) => v.id), ['baton.agents']);
    await vscode.commands.executeCommand('workbench.view.extension.baton');
    await vscode.commands.executeCommand('baton.agents.focus');
  });
});
