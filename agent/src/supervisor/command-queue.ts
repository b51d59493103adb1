// Serialises everything that changes one service (commands from the reconciler and the user, exits,
// health failures, backoff expiry), so no two of them ever interleave their awaits.

export class CommandQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Runs op after every operation pushed before it; its result or error goes to the caller only. */
  push<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once everything pushed so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
