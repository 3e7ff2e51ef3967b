/**
 * Runs critical sections one at a time, in order. git's repository-wide operations (worktree add,
 * ref updates) fail on lock files when run concurrently, so they go through one of these per repo.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
