// The agent's outbox: every status event is appended to disk before it is published, and a background
// sender publishes in order, retrying with jittered backoff, so nothing is lost while NATS, the coordinator
// or the agent itself is down. After a restart everything past the acked cursor is sent again; the bus
// drops repeats by message id and the coordinator's consumer is idempotent, so resending is always safe.
//
// Durability policy: enqueue() resolves after the record is written and fdatasync'ed (group commit: records
// that arrive together share one write and one sync). The cursor is saved atomically at most every
// `cursorSyncMs`, so a crash resends at most that much already-accepted work. A segment is deleted once the
// cursor has moved past it, which bounds the disk to the unacked records plus one segment.
//
// Bounds: unacked records take at most `maxBytes` on disk; past it enqueue() refuses the newest event
// (OutboxFullError), counts it and says so once space returns, so the backlog stays in order and complete up
// to the moment it filled. In memory only a window of `windowRecords` / `windowBytes` is held; the rest is
// read back from the segments as the sender advances. A record the bus refuses `maxRefusals` times is set
// aside in dead-letter.log so it cannot block every later event.
import { InvalidInputError, type FieldError } from "@vigil/shared";
import { appendDeadLetter, isRefusal } from "./dead-letter.js";
import { ensureOutboxDir, readCursor, removeSegment, writeCursor, listSegments, type OutboxCursor } from "./outbox-files.js";
import { OutboxFullError, type OutboxNotice } from "./outbox-notices.js";
import { type CompiledOptions, compileOptions, type DiskOutboxOptions, type OutboxErrorKind } from "./outbox-options.js";
import { recoverOutbox } from "./outbox-recovery.js";
import { encodedLength } from "./record-codec.js";
import { retryDelayMs } from "./retry-delay.js";
import { SegmentAppender, type AppendedRecord } from "./segment-appender.js";
import { consumed, readSpilled, spill, type SpilledRange } from "./spilled-ranges.js";

export { OUTBOX_ERROR_KINDS, type DiskOutboxOptions, type OutboxErrorKind } from "./outbox-options.js";

/** What the outbox could not carry since it was opened. */
export interface OutboxCounters {
  /** Events refused because the outbox was at its size cap. */
  readonly refused: number;
  /** Events set aside in dead-letter.log after the bus refused them `maxRefusals` times. */
  readonly deadLettered: number;
}

interface Queued extends AppendedRecord {
  acked: boolean;
  refusals: number;
}

export class DiskOutbox {
  /** Records in memory, oldest first; those before #head are acked and wait to be spliced off. */
  #window: Queued[] = [];
  #head = 0;
  /** Index of the next record the sender has not issued yet in this pass. */
  #next = 0;
  /** Bytes of the records from #head on. */
  #windowBytes = 0;
  /** Durable records after the window, on disk only. */
  readonly #spilled: SpilledRange[];
  #spilledRecords: number;
  /** Bytes of every unacked record, appended or being appended: what the cap limits. */
  #backlogBytes: number;
  #loading: Promise<void> | undefined;
  #refusedInSeries = 0;
  #counters: OutboxCounters = { refused: 0, deadLettered: 0 };
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
    private readonly options: CompiledOptions,
    spilled: SpilledRange[],
    cursor: OutboxCursor,
    firstNewSegment: number,
  ) {
    this.#spilled = spilled;
    this.#spilledRecords = spilled.reduce((sum, range) => sum + range.records, 0);
    this.#backlogBytes = spilled.reduce((sum, range) => sum + range.end - range.start, 0);
    this.#cursor = cursor;
    this.#cursorSaved = cursor;
    this.#appender = new SegmentAppender(options.dir, firstNewSegment, options.segmentBytes, (records) => this.#onDurable(records));
    void this.#send();
  }

  static async open(options: DiskOutboxOptions): Promise<DiskOutbox> {
    const compiled = compileOptions(options);
    await ensureOutboxDir(compiled.dir);
    const recovered = await recoverOutbox(compiled.dir, await readCursor(compiled.dir), compiled.onDamagedTail);
    return new DiskOutbox(compiled, recovered.ranges, recovered.cursor, recovered.nextSegment);
  }

  /** Resolves once the event is durably on disk; it is published afterwards, in enqueue order. Rejects with OutboxFullError at the cap. */
  async enqueue(subject: string, messageId: string, data: Uint8Array): Promise<void> {
    if (this.#closed) throw new Error("outbox closed");
    const errors: FieldError[] = [];
    if (subject === "" || /\s/.test(subject)) errors.push({ field: "subject", rule: "must be non-empty without whitespace" });
    if (messageId === "" || /[\r\n]/.test(messageId)) errors.push({ field: "messageId", rule: "must be non-empty on one line" });
    if (data.length > this.options.maxMessageBytes) errors.push({ field: "data", rule: `must be at most ${this.options.maxMessageBytes} bytes` });
    if (errors.length > 0) throw new InvalidInputError(errors);
    const bytes = encodedLength({ subject, messageId, data });
    if (this.#backlogBytes + bytes > this.options.maxBytes) {
      this.#counters = { ...this.#counters, refused: this.#counters.refused + 1 };
      this.#refusedInSeries += 1;
      if (this.#refusedInSeries === 1) this.#notify({ kind: "full", maxBytes: this.options.maxBytes });
      throw new OutboxFullError(this.options.maxBytes);
    }
    if (this.#refusedInSeries > 0) {
      this.#notify({ kind: "space-again", refused: this.#refusedInSeries });
      this.#refusedInSeries = 0;
    }
    this.#backlogBytes += bytes;
    this.#appending += 1;
    try {
      await this.#appender.append({ subject, messageId, data });
    } catch (error) {
      this.#backlogBytes -= bytes;
      throw error;
    } finally {
      this.#appending -= 1;
    }
  }

  /** Events enqueued (or being enqueued) and not yet accepted by the bus. */
  pending(): number {
    return this.#window.length - this.#head + this.#spilledRecords + this.#appending;
  }

  /** Records held in memory now (bounded by windowRecords; for tests and the agent's own figures). */
  inMemory(): number {
    return this.#window.length - this.#head;
  }

  counters(): OutboxCounters {
    return this.#counters;
  }

  /** Resolves when every event enqueued so far has been accepted by the bus (or set aside). */
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
    await this.#loading;
    await this.checkpoint();
  }

  #onDurable(records: readonly AppendedRecord[]): void {
    for (const record of records) {
      if (this.#spilled.length === 0 && this.#hasRoom()) {
        this.#window.push({ ...record, acked: false, refusals: 0 });
        this.#windowBytes += record.bytes;
      } else {
        spill(this.#spilled, record.segment, record.end, record.bytes);
        this.#spilledRecords += 1;
      }
    }
    this.#wakeSender?.();
  }

  #hasRoom(): boolean {
    return this.#window.length - this.#head < this.options.windowRecords && this.#windowBytes < this.options.windowBytes;
  }

  /** Below half of the window: reading back in large chunks, not one record per ack. */
  #lowOnRecords(): boolean {
    return this.#window.length - this.#head <= this.options.windowRecords / 2 && this.#windowBytes <= this.options.windowBytes / 2;
  }

  /** Reads the next spilled records into the window, in the background; the sender is woken when they are in. */
  #fillWindow(): void {
    if (this.#loading !== undefined || this.#closed || this.#spilled.length === 0 || !this.#lowOnRecords()) return;
    this.#loading = this.#load()
      .catch(async (error: unknown) => {
        this.#report("read", error, 1);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      })
      .finally(() => {
        this.#loading = undefined;
        this.#wakeSender?.();
      });
  }

  async #load(): Promise<void> {
    const first = this.#spilled[0]!;
    const decoded = await readSpilled(this.options.dir, first, this.options.windowBytes - this.#windowBytes);
    const taken = decoded.slice(0, Math.max(1, this.options.windowRecords - (this.#window.length - this.#head)));
    let start = first.start;
    for (const record of taken) {
      const bytes = record.end - start;
      start = record.end;
      this.#window.push({ subject: record.subject, messageId: record.messageId, data: record.data, segment: first.segment, end: record.end, bytes, acked: false, refusals: 0 });
      this.#windowBytes += bytes;
    }
    // Appends made while reading only ever grow the last range, so the front range is re-read here.
    const rest = consumed(this.#spilled[0]!, taken.length, start);
    if (rest === undefined) this.#spilled.shift();
    else this.#spilled[0] = rest;
    this.#spilledRecords -= taken.length;
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
      this.#fillWindow();
      if (this.options.publisher.connected === false && this.#next < this.#window.length) failure ??= { error: new Error("the bus is disconnected") };
      while (failure === undefined && inFlight < this.options.maxInFlight && this.#next < this.#window.length) {
        const record = this.#window[this.#next++]!;
        if (record.acked) continue;
        inFlight += 1;
        // Wrapped so that a publisher throwing synchronously counts as a failed publish, not a dead sender.
        new Promise<void>((resolve) => resolve(this.options.publisher.publish(record.subject, record.messageId, record.data))).then(
          () => this.#acked(record),
          (error: unknown) => {
            if (isRefusal(error)) record.refusals += 1;
            failure ??= { error };
          },
        ).finally(() => {
          inFlight -= 1;
          this.#wakeSender?.();
        });
      }
      if (failure !== undefined && inFlight === 0) {
        const setAside = await this.#setAsideRefused();
        if (!setAside) {
          failures += 1;
          this.#report("publish", failure.error, failures);
          await this.#pause(retryDelayMs(failures, this.options.retry));
        }
        failure = undefined;
        this.#next = this.#head;
        continue;
      }
      if (failure === undefined && inFlight === 0) failures = 0;
      await new Promise<void>((resolve) => (this.#wakeSender = resolve));
    }
  }

  #acked(record: Queued): void {
    if (record.acked) return;
    record.acked = true;
    this.#backlogBytes -= record.bytes;
    if (!this.#closed) this.#advanceCursor();
  }

  /** Moves records refused `maxRefusals` times to dead-letter.log; true when one was. */
  async #setAsideRefused(): Promise<boolean> {
    let any = false;
    for (let index = this.#head; index < this.#next; index += 1) {
      const record = this.#window[index]!;
      if (record.acked || record.refusals < this.options.maxRefusals) continue;
      try {
        await appendDeadLetter(this.options.dir, record);
      } catch (error) {
        this.#report("publish", error, record.refusals);
        continue;
      }
      this.#counters = { ...this.#counters, deadLettered: this.#counters.deadLettered + 1 };
      this.#notify({ kind: "dead-lettered", subject: record.subject, messageId: record.messageId, refusals: record.refusals, error: "refused by the bus" });
      this.#acked(record);
      any = true;
    }
    return any;
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
    while (this.#window[this.#head]?.acked === true) {
      const record = this.#window[this.#head]!;
      this.#cursor = { segment: record.segment, offset: record.end };
      this.#windowBytes -= record.bytes;
      this.#head += 1;
    }
    if (this.#head === start) return;
    if (this.#head >= 1024 || this.#head === this.#window.length) {
      this.#window.splice(0, this.#head);
      this.#next -= this.#head;
      this.#head = 0;
    }
    this.#cursorTimer ??= setTimeout(() => void this.checkpoint().catch((error) => this.#report("save-cursor", error, 1)), this.options.cursorSyncMs);
    this.#fillWindow();
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

  #notify(notice: OutboxNotice): void {
    try {
      this.options.onNotice(notice);
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
