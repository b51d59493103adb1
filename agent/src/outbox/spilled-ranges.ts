// The outbox's records that are durable on disk but not held in memory: contiguous byte ranges of segments,
// oldest first. The sender reads them back a window at a time, so memory stays bounded during a long outage.
import { open } from "node:fs/promises";
import { segmentPath } from "./outbox-files.js";
import { decodeRecords, type DecodedRecord } from "./record-codec.js";

/** Records [start, end) of one segment, `records` of them, none yet in memory. */
export interface SpilledRange {
  readonly segment: number;
  readonly start: number;
  readonly end: number;
  readonly records: number;
}

/** Adds a record that ends at `end` and is `bytes` long, growing the last range when it continues it. */
export function spill(ranges: SpilledRange[], segment: number, end: number, bytes: number): void {
  const last = ranges.at(-1);
  if (last !== undefined && last.segment === segment && last.end === end - bytes) {
    ranges[ranges.length - 1] = { ...last, end, records: last.records + 1 };
  } else {
    ranges.push({ segment, start: end - bytes, end, records: 1 });
  }
}

/** Records at the start of `range`, reading at most about `maxBytes` (always at least one whole record). */
export async function readSpilled(dir: string, range: SpilledRange, maxBytes: number): Promise<DecodedRecord[]> {
  const handle = await open(segmentPath(dir, range.segment), "r");
  try {
    let length = Math.min(range.end - range.start, Math.max(maxBytes, 16));
    for (;;) {
      const buffer = Buffer.allocUnsafe(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(buffer, read, length - read, range.start + read);
        if (bytesRead === 0) throw new Error(`outbox segment ${range.segment} ends before byte ${range.start + length}`);
        read += bytesRead;
      }
      const { records } = decodeRecords(buffer);
      if (records.length > 0) return records.map((record) => ({ ...record, end: record.end + range.start }));
      // The first record is longer than what was read: its header says how long.
      const whole = 8 + buffer.readUInt32BE(0);
      if (length >= whole || whole > range.end - range.start) throw new Error(`outbox segment ${range.segment} is damaged at byte ${range.start}`);
      length = whole;
    }
  } finally {
    await handle.close();
  }
}

/** The range left after its first `count` records, which end at `end`; undefined when none is left. */
export function consumed(range: SpilledRange, count: number, end: number): SpilledRange | undefined {
  if (count >= range.records) return undefined;
  return { ...range, start: end, records: range.records - count };
}
