// Groups what agents report into batches written in one transaction each: a batch is cut after
// `maxDelayMs` or `maxRecords`, one batch is written at a time, and each report resolves after commit.
//
// Order: reports are written in the order they were submitted (one FIFO, one writer), so a host's
// reports commit in the order it sent them; hosts never wait on each other beyond sharing a batch.
// A failed batch is split in halves and retried, so one unwritable report fails alone and the rest
// of its batch still commits; a database outage fails each report, and its sender redelivers it.

export interface IngestBatcherOptions<T> {
  /** Writes a batch in one transaction; rejects if nothing of it was committed. */
  readonly write: (records: readonly T[]) => Promise<void>;
  /** Longest a report waits for its batch to start (default 5 ms). */
  readonly maxDelayMs?: number;
  /** Most records in one batch (default 2,000). */
  readonly maxRecords?: number;
  /**
   * Whether a failed batch is worth splitting to isolate a bad report; default always. A database that
   * is unreachable fails every half too, so the coordinator says no for those errors.
   */
  readonly isolateAfter?: (error: unknown) => boolean;
  /** Told how many records each committed batch held and how long it took (metrics, the bench). */
  readonly onBatch?: (records: number, ms: number) => void;
}

interface Unit<T> {
  readonly records: readonly T[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export const DEFAULT_INGEST_DELAY_MS = 5;
export const DEFAULT_INGEST_BATCH = 2_000;

export class IngestBatcher<T> {
  readonly #options: IngestBatcherOptions<T>;
  readonly #maxDelayMs: number;
  readonly #maxRecords: number;
  #pending: Unit<T>[] = [];
  #pendingRecords = 0;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;

  constructor(options: IngestBatcherOptions<T>) {
    this.#options = options;
    this.#maxDelayMs = options.maxDelayMs ?? DEFAULT_INGEST_DELAY_MS;
    this.#maxRecords = options.maxRecords ?? DEFAULT_INGEST_BATCH;
  }

  /** Reports still waiting for their batch to commit. */
  get backlog(): number {
    return this.#pendingRecords;
  }

  /** Queues one report (its records are written together); resolves once they are committed. */
  submit(records: readonly T[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending.push({ records, resolve, reject });
      this.#pendingRecords += records.length;
      this.#schedule();
    });
  }

  /** Resolves when everything submitted so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#writing !== undefined) {
      if (this.#writing === undefined) this.#start();
      await this.#writing;
    }
  }

  #schedule(): void {
    if (this.#writing !== undefined) return; // the running batch starts the next one when it ends
    if (this.#pendingRecords >= this.#maxRecords) return this.#start();
    this.#timer ??= setTimeout(() => this.#start(), this.#maxDelayMs);
  }

  #start(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#writing !== undefined || this.#pending.length === 0) return;
    const batch = this.#take();
    this.#writing = this.#write(batch).finally(() => {
      this.#writing = undefined;
      if (this.#pending.length > 0) this.#schedule();
    });
  }

  #take(): Unit<T>[] {
    let records = 0;
    let count = 0;
    while (count < this.#pending.length && (count === 0 || records + this.#pending[count]!.records.length <= this.#maxRecords)) {
      records += this.#pending[count]!.records.length;
      count += 1;
    }
    this.#pendingRecords -= records;
    return this.#pending.splice(0, count);
  }

  async #write(batch: readonly Unit<T>[]): Promise<void> {
    const started = performance.now();
    try {
      await this.#options.write(batch.flatMap((unit) => unit.records));
    } catch (error) {
      if (batch.length === 1 || this.#options.isolateAfter?.(error) === false) {
        for (const unit of batch) unit.reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.#write(batch.slice(0, half));
      await this.#write(batch.slice(half));
      return;
    }
    this.#options.onBatch?.(batch.reduce((sum, unit) => sum + unit.records.length, 0), performance.now() - started);
    for (const unit of batch) unit.resolve();
  }
}
