import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The `when` clauses of package.json read context keys the extension sets: a key nobody sets would
// hide its command for good, silently.

const root = resolve(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { menus: Record<string, { command: string; when?: string }[]>; views: Record<string, { id: string }[]> };
};
const views = new Set(Object.values(manifest.contributes.views).flat().map((v) => v.id));

function sources(dir: string): string {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')).join('\n');
}

describe('when-clauses of package.json', () => {
  const entries = Object.values(manifest.contributes.menus).flat();
  const palette = new Map(manifest.contributes.menus.commandPalette!.map((e) => [e.command, e.when ?? '']));

  it('read only context keys the extension sets', () => {
    const code = sources(join(root, 'src', 'vscode'));
    const keys = new Set(entries.flatMap((e) => [...(e.when ?? '').matchAll(/\bbaton\.[\w.]+/g)].map((m) => m[0])).filter((k) => !views.has(k)));
    assert.ok(keys.size >= 7, [...keys].join(', '));
    const unset = [...keys].filter((k) => !code.includes(`'${k}'`));
    assert.deepEqual(unset, [], `context keys no code sets: ${unset.join(', ')}`);
  });

  it('offer a workflow command only when there is a workflow it can act on', () => {
    assert.equal(palette.get('baton.approve'), 'baton.hasPendingApproval');
    assert.equal(palette.get('baton.reject'), 'baton.hasPendingApproval');
    assert.equal(palette.get('baton.pause'), 'baton.hasRunningWorkflow');
    for (const c of ['baton.resume', 'baton.cancel', 'baton.stopAll', 'baton.rollback', 'baton.showChanges']) assert.match(palette.get(c) ?? '', /^baton\.has\w+$/, c);
    for (const c of ['baton.startWorkflow', 'baton.tryDemo', 'baton.setApiKey', 'baton.doctor', 'baton.openPanel']) assert.equal(palette.has(c), false, `${c} is always offered`);
  });

  it('put Approve and Reject in the title bar of Baton\'s diffs only, while their workflow waits', () => {
    const title = manifest.contributes.menus['editor/title'] ?? [];
    assert.deepEqual(title.map((e) => e.command), ['baton.approve', 'baton.reject']);
    for (const e of title) {
      assert.match(e.when ?? '', /^baton\.diffHasPendingApproval && /);
      assert.match(e.when ?? '', /resourceScheme == baton-ref/);
    }
  });
});
