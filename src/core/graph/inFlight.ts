// When a run is cancelled (or a node throws), LangGraph's invoke() rejects at once, but the nodes
// still running keep going until they notice: an agent tidying its worktree, a commit. The engine
// waits for them before it reports the run stopped, so a resume never races a node of the old run
// in the same worktree and a CLI never exits halfway through a git operation.
const running = new WeakMap<AbortSignal, Set<Promise<unknown>>>();

/** Registers a node's work under the run's signal; returns the same promise. */
export function track<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  let set = running.get(signal);
  if (!set) running.set(signal, (set = new Set()));
  const entry: Promise<unknown> = work.then(() => undefined, () => undefined).finally(() => set.delete(entry));
  set.add(entry);
  return work;
}

/** Resolves once every piece of work tracked under `signal` has settled, including work started meanwhile. */
export async function settled(signal: AbortSignal): Promise<void> {
  const set = running.get(signal);
  while (set?.size) await Promise.all([...set]);
}
