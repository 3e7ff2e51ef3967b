import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Only for LangGraph's checkpoint validation suite, which is written for vitest (Baton's own tests use mocha).
// From the repository root:
//   node node_modules/vitest/vitest.mjs run --config test/checkpoint-validation/vitest.config.mts
//     --reporter=default --reporter=json --outputFile.json=test-results/checkpoint-validation.json
export default defineConfig({
  test: {
    // The repository root, so that --outputFile and other relative paths mean the same as for every other tier.
    root: resolve(import.meta.dirname, '..', '..'),
    include: ['test/checkpoint-validation/**/*.test.ts'],
    // The suite calls describe/it/expect as globals.
    globals: true,
    environment: 'node',
    pool: 'forks',
  },
});
