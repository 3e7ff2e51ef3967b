import * as vscode from 'vscode';
import type { ApiKeyStore } from '../secrets';

/** "Baton: Set API Key": stores the key in SecretStorage; an empty entry removes it. */
export async function setApiKey(keys: ApiKeyStore): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: 'Baton: API key for the model endpoint',
    prompt: 'Stored in VS Code\'s secret storage, never in settings. Leave empty and press Enter to remove the stored key.',
    password: true,
    ignoreFocusOut: true,
    placeHolder: 'sk-…',
  });
  if (value === undefined) return;
  if (value.trim() === '') {
    await keys.clear();
    void vscode.window.showInformationMessage('Baton: the stored API key was removed. BATON_API_KEY or OPENAI_API_KEY is used if set.');
    return;
  }
  await keys.set(value.trim());
  void vscode.window.showInformationMessage('Baton: API key stored in VS Code\'s secret storage.');
}
