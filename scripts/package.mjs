// `npm run package`: a production build, then baton-<version>.vsix with @vscode/vsce.
// The bundles carry every dependency, so vsce packs no node_modules (--no-dependencies).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ensureNode, envWithNode } from './tools.mjs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `baton-${version}.vsix`;
const node = ensureNode();
const env = envWithNode(node);

function step(args) {
  const r = spawnSync(node.bin, args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

step(['esbuild.mjs', '--production']);
step(['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);
