// The events transport of embedded mode (`vigil up`): agent and coordinator share one process, so the
// bus is an in-memory queue that keeps JetStream's promises (dedup by id, ack after handler, redelivery).
import type { BusDelivery, BusHandler, EventBus, EventConsumer } from "./event-bus.js";

export interface InProcessBusOptions {
  /** A message id published again within this window is not delivered again (JetStream's duplicate_window). */
  readonly duplicateWindowMs?: number;
  /** Pause before a message whose handler failed is delivered again (JetStream's nak delay). */
  readonly redeliveryDelayMs?: number;
  readonly onHandlerError?: (error: unknown, delivery: BusDelivery) => void;
  readonly now?: () => number;
}

interface Entry {
  readonly subject: string;
  readonly messageId: string;
  readonly data: Uint8Array;
  attempts: number;
  readonly accepted: Promise<void>;
  readonly accept: () => void;
  readonly refuse: (error: Error) => void;
}

/**
 * publish() resolves when the consumer's handler has succeeded, not when the message is queued: in one
 * process the coordinator's commit is the only durable acceptance, and the agent's disk outbox must keep
 * an event until then. The queue itself is unbounded, so publishers never block each other.
 * Deduplication lives in memory: after a restart the outbox resends what was not accepted, and the
 * consumer's idempotence absorbs the rare repeat.
 */
export class InProcessBus implements EventBus {
  readonly #duplicateWindowMs: number;
  readonly #redeliveryDelayMs: number;
  readonly #onHandlerError: (error: unknown, delivery: BusDelivery) => void;
  readonly #now: () => number;
  /** Insertion order is publish order, so expired ids are pruned from the front. */
  readonly #seen = new Map<string, { readonly expiresAt: number; readonly entry: Entry }>();
  readonly #fresh: Entry[] = [];
  /** Failed deliveries whose delay elapsed; served before fresh messages, as JetStream does. */
  readonly #redeliver: Entry[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #wake: (() => void) | undefined;
  #consumer: InProcessConsumer | undefined;
  #closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.#duplicateWindowMs = options.duplicateWindowMs ?? 120_000;
    this.#redeliveryDelayMs = options.redeliveryDelayMs ?? 2_000;
    this.#onHandlerError = options.onHandlerError ?? ((error, delivery) => process.emitWarning(`event ${delivery.messageId} (${delivery.subject}) failed, redelivering: ${error instanceof Error ? error.message : String(error)}`));
    this.#now = options.now ?? Date.now;
  }

  publish(subject: string, messageId: string, data: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("event bus closed"));
    const now = this.#now();
    this.#pruneSeen(now);
    const seen = this.#seen.get(messageId);
    if (seen !== undefined) return seen.entry.accepted;
    let accept!: () => void;
    let refuse!: (error: Error) => void;
    const accepted = new Promise<void>((resolve, reject) => ((accept = resolve), (refuse = reject)));
    const entry: Entry = { subject, messageId, data, attempts: 0, accepted, accept, refuse };
    this.#seen.set(messageId, { expiresAt: now + this.#duplicateWindowMs, entry });
    this.#fresh.push(entry);
    this.#signal();
    return accepted;
  }

  async consume(handler: BusHandler): Promise<EventConsumer> {
    if (this.#closed) throw new Error("event bus closed");
    if (this.#consumer !== undefined) throw new Error("the in-process bus has a consumer already");
    const consumer = new InProcessConsumer(this, handler);
    this.#consumer = consumer;
    return consumer;
  }

  /** Refuses every message not yet accepted; their publishers (outboxes) keep them for the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.#consumer?.close();
    const error = new Error("event bus closed");
    for (const entry of [...this.#redeliver.splice(0), ...this.#fresh.splice(0)]) entry.refuse(error);
    // A publisher may not await its promise any more when the bus goes away; the rejection is still reported there.
    for (const { entry } of this.#seen.values()) entry.accepted.catch(() => undefined);
  }

  /** Next entry to deliver, waiting until there is one; undefined once `stopped` says so. */
  async take(stopped: () => boolean): Promise<Entry | undefined> {
    for (;;) {
      if (stopped()) return undefined;
      const entry = this.#redeliver.shift() ?? this.#fresh.shift();
      if (entry !== undefined) return entry;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Acks the entry, or schedules its redelivery after the delay (at once to the next consumer if the bus is closing). */
  settle(entry: Entry, failure?: { readonly error: unknown }): void {
    if (failure === undefined) {
      entry.accept();
      return;
    }
    this.#onHandlerError(failure.error, deliveryOf(entry));
    if (this.#closed) {
      this.#redeliver.unshift(entry);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#redeliver.push(entry);
      this.#signal();
    }, this.#redeliveryDelayMs);
    this.#timers.add(timer);
  }

  detach(consumer: InProcessConsumer): void {
    if (this.#consumer === consumer) this.#consumer = undefined;
    this.#signal();
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #pruneSeen(now: number): void {
    for (const [id, seen] of this.#seen) {
      if (seen.expiresAt > now) return;
      this.#seen.delete(id);
    }
  }
}

function deliveryOf(entry: Entry): BusDelivery {
  return { subject: entry.subject, messageId: entry.messageId, data: entry.data, redelivered: entry.attempts > 1, attempt: entry.attempts };
}

class InProcessConsumer implements EventConsumer {
  #stopped = false;
  readonly #running: Promise<void>;

  constructor(
    private readonly bus: InProcessBus,
    private readonly handler: BusHandler,
  ) {
    this.#running = this.#run();
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.bus.detach(this);
    await this.#running;
  }

  async #run(): Promise<void> {
    for (;;) {
      const entry = await this.bus.take(() => this.#stopped);
      if (entry === undefined) return;
      entry.attempts += 1;
      try {
        await this.handler(deliveryOf(entry));
        this.bus.settle(entry);
      } catch (error) {
        this.bus.settle(entry, { error });
      }
    }
  }
}
