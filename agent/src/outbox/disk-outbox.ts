// The agent's outbox: every status event is appended to disk before it is published, and a background
// sender publishes in order, retrying with jittered backoff, so nothing is lost while NATS, the coordinator
// or the agent itself is down. After a restart everything past the acked cursor is sent again; the bus
// drops repeats by message id and the coordinator's consumer is idempotent, so resending is always safe.
//
// Durability policy: enqueue() resolves after the record is written and fdatasync'ed (group commit: records
// that arrive together share one write and one sync). The cursor is saved atomically at most every
// `cursorSyncMs`, so a crash resends at most that much already-accepted work. A segment is deleted once the
// cursor has moved past it, which bounds the disk to the unacked records plus one segment.
import { InvalidInputError, type EventPublisher, type FieldError } from "@vigil/shared";
import { ensureOutboxDir, readCursor, removeSegment, writeCursor, listSegments, type OutboxCursor } from "./outbox-files.js";
import { recoverOutbox } from "./outbox-recovery.js";
import { DEFAULT_RETRY_DELAY, retryDelayMs, type RetryDelayPolicy } from "./retry-delay.js";
import { SegmentAppender, type AppendedRecord } from "./segment-appender.js";

export interface DiskOutboxOptions {
  /** The outbox's own directory inside the agent's state directory. */
  readonly dir: string;
  readonly publisher: Pick<EventPublisher, "publish">;
  /** Roll to a new segment file past this size (default 8 MiB). */
  readonly segmentBytes?: number;
  /** Publishes awaiting their acknowledgement at once (default 256). */
  readonly maxInFlight?: number;
  /** Largest payload accepted (default 1 MiB, NATS's default max_payload). */
  readonly maxMessageBytes?: number;
  readonly cursorSyncMs?: number;
  readonly retry?: RetryDelayPolicy;
  /** Told about each failed publish round or cursor save; by default the first failure of a series is logged. */
  readonly onError?: (kind: OutboxErrorKind, error: unknown, consecutiveFailures: number) => void;
  /** Told when startup found a damaged tail (a crash mid-write); the records before it are kept. */
  readonly onDamagedTail?: (segment: number, offset: number) => void;
}

/** "publish": the bus refused or did not answer (retried with backoff); "save-cursor": cursor.json could not be written. */
export const OUTBOX_ERROR_KINDS = ["publish", "save-cursor"] as const;
export type OutboxErrorKind = (typeof OUTBOX_ERROR_KINDS)[number];

interface Queued extends AppendedRecord {
  acked: boolean;
}

export class DiskOutbox {
  readonly #queue: Queued[];
  #head = 0;
  /** Index of the next record the sender has not issued yet in this pass. */
  #next = 0;
  #cursor: OutboxCursor;
  #cursorSaved: OutboxCursor;
  #cursorTimer: NodeJS.Timeout | undefined;
  #cursorWrite: Promise<void> = Promise.resolve();
  #wakeSender: (() => void) | undefined;
  #drainWaiters: (() => void)[] = [];
  #appending = 0;
  #closed = false;
  readonly #appender: SegmentAppender;

  private constructor(
    private readonly options: Required<Omit<DiskOutboxOptions, "onDamagedTail">>,
    queue: Queued[],
    cursor: OutboxCursor,
    firstNewSegment: number,
  ) {
    this.#queue = queue;
    this.#cursor = cursor;
    this.#cursorSaved = cursor;
    this.#appender = new SegmentAppender(options.dir, firstNewSegment, options.segmentBytes, (records) => this.#onDurable(records));
    void this.#send();
  }

  static async open(options: DiskOutboxOptions): Promise<DiskOutbox> {
    const compiled = compileOptions(options);
    await ensureOutboxDir(compiled.dir);
    const recovered = await recoverOutbox(compiled.dir, await readCursor(compiled.dir), options.onDamagedTail);
    const queue = recovered.records.map((record) => ({ ...record, acked: false }));
    return new DiskOutbox(compiled, queue, recovered.cursor, recovered.nextSegment);
  }

  /** Resolves once the event is durably on disk; it is published afterwards, in enqueue order. */
  async enqueue(subject: string, messageId: string, data: Uint8Array): Promise<void> {
    if (this.#closed) throw new Error("outbox closed");
    const errors: FieldError[] = [];
    if (subject === "" || /\s/.test(subject)) errors.push({ field: "subject", rule: "must be non-empty without whitespace" });
    if (messageId === "" || /[\r\n]/.test(messageId)) errors.push({ field: "messageId", rule: "must be non-empty on one line" });
    if (data.length > this.options.maxMessageBytes) errors.push({ field: "data", rule: `must be at most ${this.options.maxMessageBytes} bytes` });
    if (errors.length > 0) throw new InvalidInputError(errors);
    this.#appending += 1;
    try {
      await this.#appender.append({ subject, messageId, data });
    } finally {
      this.#appending -= 1;
    }
  }

  /** Events enqueued (or being enqueued) and not yet accepted by the bus. */
  pending(): number {
    return this.#queue.length - this.#head + this.#appending;
  }

  /** Resolves when every event enqueued so far has been accepted by the bus. */
  drained(): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Saves the acked cursor now instead of within `cursorSyncMs` (shutdown, tests). */
  checkpoint(): Promise<void> {
    clearTimeout(this.#cursorTimer);
    this.#cursorTimer = undefined;
    this.#cursorWrite = this.#cursorWrite.then(() => this.#saveCursor());
    return this.#cursorWrite;
  }

  /**
   * Finishes pending appends, stops sending and saves the cursor. Publishes still awaiting an answer are
   * abandoned: their records stay past the cursor and go out again on the next open.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#appender.close();
    this.#wakeSender?.();
    await this.checkpoint();
  }

  #onDurable(records: readonly AppendedRecord[]): void {
    for (const record of records) this.#queue.push({ ...record, acked: false });
    this.#wakeSender?.();
  }

  /**
   * A sliding window of up to `maxInFlight` publishes, issued in queue order. After a failure nothing new is
   * issued; once the window has settled the sender backs off and resumes from the oldest unacked record, so
   * a message may land in the stream after later ones that were already accepted (consumers order by sequence).
   */
  async #send(): Promise<void> {
    let failures = 0;
    let inFlight = 0;
    let failure: { readonly error: unknown } | undefined;
    while (!this.#closed) {
      while (failure === undefined && inFlight < this.options.maxInFlight && this.#next < this.#queue.length) {
        const record = this.#queue[this.#next++]!;
        if (record.acked) continue;
        inFlight += 1;
        // Wrapped so that a publisher throwing synchronously counts as a failed publish, not a dead sender.
        new Promise<void>((resolve) => resolve(this.options.publisher.publish(record.subject, record.messageId, record.data))).then(
          () => {
            record.acked = true;
            if (!this.#closed) this.#advanceCursor();
          },
          (error: unknown) => (failure ??= { error }),
        ).finally(() => {
          inFlight -= 1;
          this.#wakeSender?.();
        });
      }
      if (failure !== undefined && inFlight === 0) {
        failures += 1;
        this.#report("publish", failure.error, failures);
        await this.#pause(retryDelayMs(failures, this.options.retry));
        failure = undefined;
        this.#next = this.#head;
        continue;
      }
      if (failure === undefined && inFlight === 0) failures = 0;
      await new Promise<void>((resolve) => (this.#wakeSender = resolve));
    }
  }

  /** Sleeps between retries; only close() cuts it short (new events must not hasten a retry). */
  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeSender = () => {
        if (!this.#closed) return;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #advanceCursor(): void {
    const start = this.#head;
    while (this.#queue[this.#head]?.acked === true) {
      const record = this.#queue[this.#head]!;
      this.#cursor = { segment: record.segment, offset: record.end };
      this.#head += 1;
    }
    if (this.#head === start) return;
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      const removed = this.#queue.splice(0, this.#head).length;
      this.#head -= removed;
      this.#next -= removed;
    }
    this.#cursorTimer ??= setTimeout(() => void this.checkpoint().catch((error) => this.#report("save-cursor", error, 1)), this.options.cursorSyncMs);
    if (this.pending() === 0) for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }

  /** A throwing callback must not stop the sender loop. */
  #report(kind: OutboxErrorKind, error: unknown, failures: number): void {
    try {
      this.options.onError(kind, error, failures);
    } catch {
      // ignored on purpose
    }
  }

  async #saveCursor(): Promise<void> {
    const cursor = this.#cursor;
    if (cursor.segment === this.#cursorSaved.segment && cursor.offset === this.#cursorSaved.offset) return;
    await writeCursor(this.options.dir, cursor);
    this.#cursorSaved = cursor;
    for (const segment of await listSegments(this.options.dir)) {
      if (segment < cursor.segment) await removeSegment(this.options.dir, segment);
    }
  }
}

function compileOptions(options: DiskOutboxOptions): Required<Omit<DiskOutboxOptions, "onDamagedTail">> {
  const errors: FieldError[] = [];
  const positive = (field: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < 1) errors.push({ field, rule: "must be a positive integer" });
    return value;
  };
  if (options.dir === "") errors.push({ field: "dir", rule: "must not be empty" });
  const compiled = {
    dir: options.dir,
    publisher: options.publisher,
    segmentBytes: positive("segmentBytes", options.segmentBytes, 8 * 1024 * 1024),
    maxInFlight: positive("maxInFlight", options.maxInFlight, 256),
    maxMessageBytes: positive("maxMessageBytes", options.maxMessageBytes, 1024 * 1024),
    cursorSyncMs: positive("cursorSyncMs", options.cursorSyncMs, 200),
    retry: options.retry ?? DEFAULT_RETRY_DELAY,
    onError: options.onError ?? logFirstFailure,
  };
  if (errors.length > 0) throw new InvalidInputError(errors);
  return compiled;
}

function logFirstFailure(kind: OutboxErrorKind, error: unknown, consecutiveFailures: number): void {
  if (consecutiveFailures === 1) console.warn(`outbox: ${kind} failed, retrying:`, error);
}
