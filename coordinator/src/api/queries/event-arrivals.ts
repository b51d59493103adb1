// One watcher of the events table for every WatchEvents stream: woken by the store's notification
// that events were committed (any replica), it alone reads the newest event position and wakes the
// streams waiting beyond it, so N idle watchers cost nothing and a burst costs one query. Without
// notifications (the listen failed) it polls; with them it still reads every few seconds, in case
// a notification was lost with its connection.

interface Waiter {
  readonly beyond: number;
  readonly wake: () => void;
}

export interface EventArrivalsOptions {
  /** The newest stored event's position (lastEventPosition on the store). */
  readonly readPosition: () => Promise<number>;
  /** Subscribes to "events were committed"; absent or failing: polling every `pollMs`. */
  readonly listen?: (notify: () => void) => Promise<unknown>;
  /** Polling interval without notifications (default 200 ms). */
  readonly pollMs?: number;
  /** Reading interval with notifications, a safety net only (default 5 s). */
  readonly safetyMs?: number;
}

export class EventArrivals {
  readonly #options: EventArrivalsOptions;
  readonly #waiters = new Set<Waiter>();
  #position = 0;
  #polling = false;
  #listening: Promise<boolean> | undefined;
  #nudge: (() => void) | undefined;
  #nudged = false;

  constructor(options: EventArrivalsOptions) {
    this.#options = options;
  }

  /** The newest event position seen; take it before a query, wait beyond it after an empty one. */
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

  /** Listens once, for the life of the process's store (closing the store ends it). */
  #listen(): Promise<boolean> {
    const listen = this.#options.listen;
    this.#listening ??= listen === undefined ? Promise.resolve(false) : listen(() => this.#notified()).then(() => true, () => false);
    return this.#listening;
  }

  #notified(): void {
    this.#nudged = true;
    this.#nudge?.();
  }

  /** Sleeps `ms`, or less when a notification arrives. */
  #sleep(ms: number): Promise<void> {
    if (this.#nudged) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#nudge = done;
    });
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    try {
      const listening = await this.#listen();
      while (this.#waiters.size > 0) {
        await this.#sleep(listening ? (this.#options.safetyMs ?? 5_000) : (this.#options.pollMs ?? 200));
        this.#nudge = undefined;
        this.#nudged = false;
        // A failed read (database unavailable) wakes everyone: each watcher's own query then fails and ends its stream with the reason.
        const position = await this.#options.readPosition().catch(() => Infinity);
        if (position !== Infinity) this.#position = Math.max(this.#position, position);
        for (const waiter of [...this.#waiters]) if (position === Infinity || this.#position > waiter.beyond) waiter.wake();
      }
    } finally {
      this.#polling = false;
    }
  }
}
