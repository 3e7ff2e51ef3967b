// The scripts provision Node 24 and code-server from inside `npm test`, which the machine's npm runs
// on the machine's Node (20 here). What that npm exports about itself must not reach the nested
// installs: code-server's postinstall reads the Node version from npm_config_user_agent and refused
// to install on a fresh machine. These tests give the scripts what npm 11 on Node 20 exports.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { childEnv, envWithNode, npmInstallInto } from '../../scripts/tools.mjs';

// Seen with `npm run env` on this machine (npm 11.19.1, Node 20.20.2), in a project at /work/baton.
const outerNpm = {
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_node_execpath: '/usr/bin/node',
  NODE: '/usr/bin/node',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  npm_config_nodedir: '/usr',
  npm_config_local_prefix: '/work/baton',
  npm_config_npm_version: '11.19.1',
  npm_config_loglevel: 'silent',
  npm_command: 'run',
  npm_lifecycle_event: 'test',
  npm_lifecycle_script: 'node scripts/test.mjs',
  npm_package_json: '/work/baton/package.json',
  npm_package_name: 'baton',
  INIT_CWD: '/work/baton',
};
const outerPath = ['/work/baton/node_modules/.bin', '/work/node_modules/.bin', '/node_modules/.bin',
  '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin', '/usr/local/bin', '/usr/bin'].join(delimiter);

describe('the environment the scripts give nested tools', () => {
  it('leaves out what the outer npm said about its own run, whatever the case of the name', () => {
    const env = childEnv({ ...outerNpm, NPM_CONFIG_USER_AGENT: 'npm/11.19.1 node/v20.20.2', PATH: outerPath, HOME: '/home/dev', BATON_TOOLS_DIR: '/tmp/tools' });
    for (const name of [...Object.keys(outerNpm), 'NPM_CONFIG_USER_AGENT']) assert.equal(env[name], undefined, name);
    assert.equal(env.PATH, ['/usr/local/bin', '/usr/bin'].join(delimiter));
    assert.equal(env.HOME, '/home/dev');
    assert.equal(env.BATON_TOOLS_DIR, '/tmp/tools');
  });

  it("keeps the run's npm cache and how to reach the registry", () => {
    const kept = { npm_config_cache: '/tmp/ci/npm', npm_config_registry: 'https://registry.example/', npm_config_cafile: '/etc/ca.pem', npm_config_https_proxy: 'http://proxy:3128' };
    assert.deepEqual(childEnv({ ...outerNpm, ...kept }), kept);
  });

  it("puts the chosen Node first on PATH and points native builds at its headers", () => {
    const env = envWithNode({ home: '/cache/node24' }, { ...outerNpm, PATH: outerPath });
    assert.equal(env.PATH, ['/cache/node24/bin', '/usr/local/bin', '/usr/bin'].join(delimiter));
    assert.equal(env.npm_config_nodedir, '/cache/node24');
    assert.equal(env.npm_config_user_agent, undefined);
  });

  it("runs a nested install's postinstall on the chosen Node, and npm says so in its user agent", function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'baton-tools-env-'));
    try {
      // A package whose postinstall writes down what code-server's would look at.
      const pkg = join(dir, 'probe', 'package');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'probe', version: '1.0.0', scripts: { postinstall: 'node record.cjs' } }));
      writeFileSync(join(pkg, 'record.cjs'), `require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify({
        node: process.version, userAgent: process.env.npm_config_user_agent, nodedir: process.env.npm_config_nodedir,
        cache: process.env.npm_config_cache, initCwd: process.env.INIT_CWD }));\n`);
      const tarball = join(dir, 'probe-1.0.0.tgz');
      execFileSync('tar', ['-czf', tarball, '-C', join(dir, 'probe'), 'package']);
      const out = join(dir, 'record.json');
      const cache = join(dir, 'npm-cache');
      // This Node plays the provisioned Node 24: its folder holds bin/node and include/.
      const node = { home: dirname(dirname(process.execPath)) };
      const base = { ...process.env, ...outerNpm, PATH: `${outerPath}${delimiter}${process.env.PATH ?? ''}`, npm_config_cache: cache, PROBE_OUT: out };

      npmInstallInto(join(dir, 'install'), [tarball], envWithNode(node, base));

      const seen = JSON.parse(readFileSync(out, 'utf8'));
      assert.equal(seen.node, process.version);
      assert.match(seen.userAgent, new RegExp(`^npm/\\S+ node/${process.version.replaceAll('.', '\\.')} `));
      assert.equal(seen.nodedir, node.home);
      assert.equal(seen.cache, cache);
      assert.equal(seen.initCwd, join(dir, 'install'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
