import type { RunnableConfig } from '@langchain/core/runnables';
import { getCheckpointId } from '@langchain/langgraph-checkpoint';

// Reading LangGraph's RunnableConfig, which arrives untyped (`configurable` is a Record<string, any>).

/** Where a checkpoint lives: the thread, the (sub)graph namespace, and the checkpoint when one is named. */
export interface CheckpointAddress {
  readonly threadId: string;
  readonly namespace: string;
  readonly checkpointId: string | undefined;
}

const missingThread =
  'is missing configurable.thread_id: pass one when you run the graph, e.g. graph.invoke(input, { configurable: { thread_id: workflowId } })';

/** The address in a config, or undefined when it names no thread (reads then find nothing). */
export function readAddress(config: RunnableConfig): CheckpointAddress | undefined {
  const configurable: Record<string, unknown> | undefined = config.configurable;
  const threadId = idOrUndefined(configurable?.thread_id);
  if (threadId === undefined) return undefined;
  const namespace = configurable?.checkpoint_ns;
  const checkpointId = getCheckpointId(config);
  return {
    threadId,
    namespace: typeof namespace === 'string' ? namespace : '',
    checkpointId: typeof checkpointId === 'string' && checkpointId !== '' ? checkpointId : undefined,
  };
}

/** The address for a write; throws (as LangGraph's own savers do) when the config names no thread. */
export function requireAddress(config: RunnableConfig, operation: string): CheckpointAddress {
  if (config.configurable === undefined) throw new Error(`Cannot ${operation}: the config has no "configurable" field; it ${missingThread}.`);
  const address = readAddress(config);
  if (address === undefined) throw new Error(`Cannot ${operation}: the config ${missingThread}.`);
  return address;
}

/** The config LangGraph expects back for a stored checkpoint: exactly thread_id, checkpoint_ns and checkpoint_id. */
export function checkpointConfig(threadId: string, namespace: string, checkpointId: string): RunnableConfig {
  return { configurable: { thread_id: threadId, checkpoint_ns: namespace, checkpoint_id: checkpointId } };
}

function idOrUndefined(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
