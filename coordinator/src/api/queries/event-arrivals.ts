// One poller for every WatchEvents stream: it alone asks the store for the newest event position
// (every 200 ms, only while someone watches) and wakes the watchers when it moves, so N idle
// watchers cost one query per interval instead of N; each watcher then reads its own filter's events.

interface Waiter {
  readonly beyond: number;
  readonly wake: () => void;
}

export class EventArrivals {
  readonly #readPosition: () => Promise<number>;
  readonly #pollMs: number;
  readonly #waiters = new Set<Waiter>();
  #position = 0;
  #polling = false;

  /** `readPosition`: the newest stored event's position (lastEventPosition on the store). */
  constructor(readPosition: () => Promise<number>, pollMs: number) {
    this.#readPosition = readPosition;
    this.#pollMs = pollMs;
  }

  /** The newest event position the poller has seen; take it before a query, wait beyond it after an empty one. */
  get position(): number {
    return this.#position;
  }

  /** Resolves once an event newer than `beyond` has been seen (or at once when `signal` aborts). */
  after(beyond: number, signal: AbortSignal): Promise<void> {
    if (this.#position > beyond || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        beyond,
        wake: () => {
          this.#waiters.delete(waiter);
          signal.removeEventListener("abort", waiter.wake);
          resolve();
        },
      };
      this.#waiters.add(waiter);
      signal.addEventListener("abort", waiter.wake, { once: true });
      if (!this.#polling) void this.#poll();
    });
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    try {
      while (this.#waiters.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
        // A failed poll (database unavailable) wakes everyone: each watcher's own query then fails and ends its stream with the reason.
        const position = await this.#readPosition().catch(() => Infinity);
        if (position !== Infinity) this.#position = Math.max(this.#position, position);
        for (const waiter of [...this.#waiters]) if (position === Infinity || this.#position > waiter.beyond) waiter.wake();
      }
    } finally {
      this.#polling = false;
    }
  }
}
