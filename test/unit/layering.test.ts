import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|cts|js|mjs)$/.test(name) ? [path] : [];
  });
}

// Any form that would load the editor API: static, type-only, dynamic, require.
const vscodeImport = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]vscode['"]/;

describe('layering (DESIGN.md §1)', () => {
  it('src/core never imports vscode', () => {
    const offenders = sourceFiles(join(root, 'src', 'core'))
      .filter((file) => vscodeImport.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    assert.deepEqual(offenders, [], `src/core must stay free of the editor, but these import 'vscode': ${offenders.join(', ')}`);
  });

  it('the check itself recognises every import form', () => {
    for (const line of [`import * as vscode from 'vscode';`, `import type { Uri } from "vscode";`, `const v = require('vscode');`, `await import('vscode')`, `import 'vscode';`]) {
      assert.match(line, vscodeImport, line);
    }
    assert.doesNotMatch(`import { x } from 'vscode-languageserver';`, vscodeImport);
  });

  it('core code exists to check', () => {
    assert.ok(sourceFiles(join(root, 'src', 'core')).length > 0, 'src/core has no source files: the check above would pass vacuously');
  });
});
