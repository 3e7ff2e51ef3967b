// Mocha's spec output for people, plus a summary file for scripts/test.mjs, which adds the tiers
// up into the one `N passed, N failed` line CI reads. CommonJS because mocha requires reporters,
// including inside VS Code's extension host.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const counts = { passed: 0, failed: 0, pending: 0, failures: [] };
    runner.on('pass', () => counts.passed++);
    runner.on('pending', () => counts.pending++);
    runner.on('fail', (test, err) => {
      counts.failed++;
      counts.failures.push({ title: test.fullTitle(), message: String(err && err.message).slice(0, 2000) });
    });
    runner.once('end', () => {
      const file = process.env.BATON_TEST_SUMMARY || (options.reporterOption && options.reporterOption.summary);
      if (!file) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(counts, null, 2));
    });
  }
}

module.exports = CountingReporter;
