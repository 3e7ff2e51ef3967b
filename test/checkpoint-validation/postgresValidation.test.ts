import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import { afterAll, beforeAll } from 'vitest';
import initializer from './postgresInitializer';

// The same conformance suite as the SQLite saver's (validation.test.ts), on the Postgres backend. validate() runs
// the initializer's beforeAll/afterAll (one throwaway server); the opt-in scenarios do not, so they start their own.
validate(initializer);
describe(`${initializer.checkpointerName} (opt-in)`, () => {
  beforeAll(() => initializer.beforeAll?.(), initializer.beforeAllTimeout);
  afterAll(() => initializer.afterAll?.());
  deltaChannelHistoryTests(initializer);
});
