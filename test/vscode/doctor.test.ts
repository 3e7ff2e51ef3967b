import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Check } from '../../src/core/doctor';
import { startFakeOpenAI } from '../support/fakeOpenAI';

describe('Baton: Check Setup', () => {
  it('checks the real runtime, git, the open repository and the configured endpoint', async () => {
    const server = await startFakeOpenAI({ rules: [] });
    const config = vscode.workspace.getConfiguration('baton');
    await config.update('model.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
    try {
      const checks = await vscode.commands.executeCommand<Check[]>('baton.doctor');
      const byName = new Map(checks.map((c) => [c.name, c]));
      assert.equal(byName.get('Node.js runtime')?.status, 'ok', JSON.stringify(checks));
      assert.equal(byName.get('git')?.status, 'ok');
      assert.equal(byName.get('Repository')?.status, 'ok', byName.get('Repository')?.detail);
      assert.equal(byName.get('API key')?.status, 'ok', 'a local endpoint needs no key');
      assert.equal(byName.get('Model endpoint')?.status, 'ok', byName.get('Model endpoint')?.detail);
      assert.equal(byName.get('Sandbox')?.status, 'ok', byName.get('Sandbox')?.detail);
      assert.ok(server.requests.some((r) => r.path.endsWith('/models')), 'doctor asked the endpoint for its models');
    } finally {
      await config.update('model.baseUrl', undefined, vscode.ConfigurationTarget.Global);
      await server.close();
    }
  });
});
