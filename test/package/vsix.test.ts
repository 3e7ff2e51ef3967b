import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import yauzl from 'yauzl';

const root = resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
const vsix = resolve(root, `baton-${pkg.version}.vsix`);

function entries(file: string): Promise<string[]> {
  return new Promise((done, fail) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return fail(err ?? new Error('no zip'));
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => done(names));
      zip.on('error', fail);
      zip.readEntry();
    });
  });
}

describe(`npm run package: baton-${pkg.version}.vsix`, () => {
  let names: string[];
  before(async () => {
    assert.ok(statSync(vsix).isFile(), `${vsix} exists`);
    names = await entries(vsix);
  });

  it('holds the bundles, the webview assets, media, package.json and the README', () => {
    for (const required of ['extension/package.json', 'extension/readme.md', 'extension/changelog.md',
      'extension/dist/extension.js', 'extension/dist/engine.js', 'extension/dist/server.js', 'extension/dist/cli.js',
      'extension/dist/webview.js', 'extension/dist/webview.css', 'extension/dist/codicon.ttf',
      'extension/media/baton.svg', 'extension/media/baton.png',
      // The README's screenshots, so they show on the extension's page in VS Code.
      'extension/docs/images/agents-tree.png', 'extension/docs/images/panel-approval.png']) {
      assert.ok(names.includes(required), `${required} is in the package (it has: ${names.join(', ')})`);
    }
  });

  it('holds no sources, tests, docs but the README\'s images, dependencies, source maps or build metadata', () => {
    const unwanted = names.filter((n) => (/^extension\/(src|test|bench|docs|webview-ui|node_modules|scripts|out)\//.test(n) && !/^extension\/docs\/images\/[^/]+\.png$/.test(n)) || /\.(map|ts|tsx)$/.test(n) || n.endsWith('meta.json'));
    assert.deepEqual(unwanted, []);
  });

  it('keeps the engine\'s libraries out of dist/extension.js: activation loads no LangChain, zod, database driver or price list', () => {
    // The engine (dist/engine.js) is required on first use; the extension's own bundle must stay small.
    // cache_read_mtok: a key of every cached price in @pydantic/genai-prices' data (~0.5 MB), which survives minifying.
    const text = readFileSync(resolve(root, 'dist', 'extension.js'), 'utf8');
    for (const marker of ['@langchain', 'ZodError', 'pg-protocol', 'better-sqlite3', 'cache_read_mtok']) assert.ok(!text.includes(marker), `dist/extension.js contains ${marker}`);
    assert.ok(statSync(resolve(root, 'dist', 'extension.js')).size < 150 * 1024, 'dist/extension.js stays under 150 KB');
  });
});

