import * as vscode from 'vscode';

const recentKey = 'baton.recentTasks';
const keep = 10;

/** Asks for the job to do, offering recent tasks; the typed text is always a valid new task. */
export async function askForTask(memento: vscode.Memento): Promise<string | undefined> {
  const recent = memento.get<string[]>(recentKey, []);
  const pick = vscode.window.createQuickPick();
  pick.title = 'Baton: Start Workflow';
  pick.placeholder = 'Describe the job, e.g. "Add input validation to the signup form, with tests"';
  pick.ignoreFocusOut = true;
  const recentItems = recent.map((label) => ({ label, description: 'recent' }));
  pick.items = recentItems;
  pick.onDidChangeValue((value) => {
    pick.items = value.trim() ? [{ label: value, description: 'new task' }, ...recentItems.filter((i) => i.label !== value)] : recentItems;
  });
  const task = await new Promise<string | undefined>((resolve) => {
    pick.onDidAccept(() => resolve((pick.selectedItems[0]?.label ?? pick.value).trim() || undefined));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (task) await memento.update(recentKey, [task, ...recent.filter((t) => t !== task)].slice(0, keep));
  return task;
}
