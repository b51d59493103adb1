// Appends outbox records to the active segment with group commit: records that arrive while a write is in
// progress go out together in the next single write + fdatasync, so durability costs one sync per batch.
import type { FileHandle } from "node:fs/promises";
import { createSegment, removeSegment } from "./outbox-files.js";
import { encodeRecord, type OutboxEntry } from "./record-codec.js";

/** A durable record and where it ends, the cursor position once it is acked. */
export interface AppendedRecord extends OutboxEntry {
  readonly segment: number;
  readonly end: number;
  /** Its length in the segment (it starts at end - bytes). */
  readonly bytes: number;
}

interface Waiting {
  readonly entry: OutboxEntry;
  readonly encoded: Buffer;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class SegmentAppender {
  #handle: FileHandle | undefined;
  #segment: number;
  #size = 0;
  #waiting: Waiting[] = [];
  #writing: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    /** Segment number to create first: above every segment already on disk. */
    firstSegment: number,
    private readonly segmentBytes: number,
    private readonly onDurable: (records: readonly AppendedRecord[]) => void,
  ) {
    this.#segment = firstSegment - 1;
  }

  /** Resolves once the record is on disk (written and fdatasync'ed); encoding errors reject at once. */
  append(entry: OutboxEntry): Promise<void> {
    const encoded = encodeRecord(entry);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ entry, encoded, resolve, reject });
      this.#writing ??= this.#drain();
    });
  }

  /** Waits for appends in progress, then closes the segment (removing it if nothing was ever written). */
  async close(): Promise<void> {
    await this.#writing;
    await this.#closeSegment();
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0);
      try {
        const records = await this.#write(batch);
        this.onDurable(records);
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        // Part of the batch may be in the file now; appending after it would hide later records behind a
        // damaged one, so the segment is closed and the next batch starts a fresh one.
        await this.#closeSegment().catch(() => undefined);
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.#writing = undefined;
  }

  async #write(batch: readonly Waiting[]): Promise<AppendedRecord[]> {
    if (this.#handle === undefined || this.#size >= this.segmentBytes) await this.#roll();
    const handle = this.#handle!;
    const records: AppendedRecord[] = [];
    let end = this.#size;
    for (const waiting of batch) {
      end += waiting.encoded.length;
      records.push({ ...waiting.entry, segment: this.#segment, end, bytes: waiting.encoded.length });
    }
    const buffer = batch.length === 1 ? batch[0]!.encoded : Buffer.concat(batch.map((waiting) => waiting.encoded));
    let written = 0;
    while (written < buffer.length) {
      const { bytesWritten } = await handle.write(buffer, written, buffer.length - written, this.#size + written);
      written += bytesWritten;
    }
    await handle.datasync();
    this.#size = end;
    return records;
  }

  async #roll(): Promise<void> {
    await this.#closeSegment();
    this.#segment += 1;
    this.#handle = await createSegment(this.dir, this.#segment);
    this.#size = 0;
  }

  async #closeSegment(): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    await handle.close();
    if (this.#size === 0) await removeSegment(this.dir, this.#segment);
  }
}
