import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import initializer from './sqliteInitializer';

// LangGraph's conformance suite for checkpoint savers (put, putWrites, getTuple, list, deleteThread), plus its
// opt-in getDeltaChannelHistory scenarios, which DeltaChannel state relies on.
validate(initializer);
describe(`${initializer.checkpointerName} (opt-in)`, () => {
  deltaChannelHistoryTests(initializer);
});
