// Builds Baton's bundles. `node esbuild.mjs` for development, `--production` to minify (with
// source maps beside the bundles), `--watch` to rebuild on change.
//   dist/extension.js  the extension host entry (vscode external; the engine is loaded on first use)
//   dist/engine.js     the engine as the extension loads it, on first use
//   dist/server.js     the language server (conflict diagnostics)
//   dist/webview.js    the panel's front end, with dist/webview.css and the codicon font
//   dist/cli.js        the `baton` command
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// --tests also bundles the extension-host test suites (test/vscode) into out/test/vscode.
const tests = process.argv.includes('--tests');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? 'linked' : 'inline',
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  // VS Code 1.96 desktop runs Node 20 in its extension host; Baton checks for node:sqlite at run time.
  target: 'node20',
  mainFields: ['module', 'main'],
};

// pg loads its optional libpq binding (pg-native) only when asked for `pg.native`, which Baton never uses: left
// out of the bundles, and not installed, so the pure-JavaScript client is the one that runs.
const optionalNative = ['pg-native'];

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: ['vscode', ...optionalNative] },
  { ...node, entryPoints: { server: 'src/server/server.ts' }, outdir: 'dist' },
  // The engine for the extension, required on first use (src/vscode/engine/engineLoader.ts).
  { ...node, entryPoints: { engine: 'src/vscode/engine/engineModule.ts' }, outdir: 'dist', external: ['vscode', ...optionalNative] },
  {
    ...node,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    external: optionalNative,
    target: 'node22',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { webview: 'webview-ui/src/main.tsx' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: 'webview-ui/tsconfig.json',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
  },
];

if (tests) {
  const suites = readdirSync('test/vscode').filter((f) => f.endsWith('.test.ts')).map((f) => `test/vscode/${f}`);
  builds.push({ ...node, entryPoints: ['test/vscode/index.ts', ...suites], outdir: 'out/test/vscode', external: ['vscode', 'mocha'], sourcemap: 'inline' });
}

async function main() {
  mkdirSync('dist', { recursive: true });
  if (watch) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[esbuild] watching');
    return;
  }
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  // The metafiles feed bench/activation.ts; .vscodeignore keeps them out of the .vsix.
  const meta = { inputs: {}, outputs: {} };
  for (const r of results) {
    Object.assign(meta.inputs, r.metafile.inputs);
    Object.assign(meta.outputs, r.metafile.outputs);
  }
  writeFileSync('dist/meta.json', JSON.stringify(meta));
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
