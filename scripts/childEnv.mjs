// The environment Baton's scripts give the programs they start. `npm test` and `npm run ...` export
// npm's view of their own run: the Node running npm (npm_config_user_agent, npm_node_execpath, NODE,
// npm_config_node_gyp), the project (npm_package_*, npm_config_local_prefix, INIT_CWD) and the
// project's node_modules/.bin on PATH. The children run on another Node (Node 24 where the machine
// has Node 20) and elsewhere (the tools cache, a user's repository), and an npm started there takes
// every npm_config_* it inherits as its own configuration: a nested `npm install` kept `node/v20` in
// its user agent, and code-server's postinstall, which reads the Node version from there, refused to
// install on a fresh machine.
import { delimiter, sep } from 'node:path';

// Where to cache downloads and how to reach the registry are the caller's choice for the whole run
// (CI gives every run an empty npm cache of its own).
const KEEP = new Set([
  'npm_config_cache', 'npm_config_registry', 'npm_config_cafile', 'npm_config_strict_ssl',
  'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy',
]);
const DROP = new Set(['init_cwd', 'node']);

function addedByNpm(dir) {
  return dir.endsWith(`${sep}node_modules${sep}.bin`) || dir.endsWith(`${sep}node-gyp-bin`);
}

/** `base` without what an outer npm exported about its own run (npm reads variables case-insensitively). */
export function childEnv(base = process.env) {
  const env = {};
  for (const [name, value] of Object.entries(base)) {
    const key = name.toLowerCase();
    if (key.startsWith('npm_') ? !KEEP.has(key) : DROP.has(key)) continue;
    env[name] = value;
  }
  if (base.PATH !== undefined) env.PATH = base.PATH.split(delimiter).filter((dir) => !addedByNpm(dir)).join(delimiter);
  return env;
}
