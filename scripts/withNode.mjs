// Runs a script with a Node >= 22.13, provisioning Node 24 from the npm registry when the
// machine's Node is older: `node scripts/withNode.mjs dist/cli.js doctor`.
import { spawnSync } from 'node:child_process';
import { ensureNode, envWithNode } from './tools.mjs';

const node = ensureNode();
// envWithNode leaves out what `npm run` said about Baton's own run: the CLI's agents run the user's
// commands (their `npm test`) on Node 24, and an npm there would take npm_config_user_agent and the
// rest as its own configuration.
const r = spawnSync(node.bin, process.argv.slice(2), { stdio: 'inherit', env: envWithNode(node) });
process.exit(r.status ?? (r.signal ? 128 + 15 : 1));
