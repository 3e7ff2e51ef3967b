// Entry of the extension-host tier: VS Code loads this inside its real extension host and calls
// run(), which runs every bundled *.test.js beside it with mocha.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const reporter = join(__dirname, '..', '..', '..', 'test', 'support', 'countingReporter.cjs');
  // BATON_VSCODE_GREP="in the editor" runs only the matching tests (code-server passes its environment on).
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter, ...(process.env.BATON_VSCODE_GREP ? { grep: process.env.BATON_VSCODE_GREP } : {}) });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
