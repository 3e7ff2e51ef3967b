import assert from 'node:assert/strict';
import { checkRuntime, nodeVersionAtLeast, sqliteAvailable } from '../../src/core/runtime';

describe('runtime check', () => {
  it('compares Node versions by major and minor', () => {
    assert.equal(nodeVersionAtLeast('v22.13.0'), true);
    assert.equal(nodeVersionAtLeast('v22.12.9'), false);
    assert.equal(nodeVersionAtLeast('v24.1.0'), true);
    assert.equal(nodeVersionAtLeast('v20.20.2'), false);
    assert.equal(nodeVersionAtLeast('23.0.0'), true);
  });

  it('finds node:sqlite on this Node (the tests run on >= 22.13)', () => {
    assert.equal(sqliteAvailable(), true);
    assert.deepEqual(checkRuntime('cli'), { ok: true, node: process.version });
  });

  it('tells a CLI user on Node 20 what is missing and how to fix it', () => {
    const r = checkRuntime('cli', 'v20.20.2', false);
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.match(r.problem, /needs Node\.js 22\.13 or newer .* runs Node\.js v20\.20\.2/);
    assert.match(r.fix, /Install Node\.js 24/);
  });

  it('tells a VS Code user what to update instead', () => {
    const r = checkRuntime('extension', 'v20.18.0', false);
    assert.ok(!r.ok);
    assert.match(r.problem, /this VS Code runs Node\.js v20\.18\.0/);
    assert.match(r.fix, /Update VS Code/);
  });

  it('names a recent Node without node:sqlite as its own problem', () => {
    const r = checkRuntime('cli', 'v24.0.0', false);
    assert.ok(!r.ok);
    assert.match(r.problem, /does not offer node:sqlite/);
  });
});
