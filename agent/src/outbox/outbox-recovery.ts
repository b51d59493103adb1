// Startup of the outbox: drop segments the cursor has passed, read back every record after the cursor,
// and stop at a damaged tail (a crash mid-write) instead of failing; new appends go to a fresh segment.
import { listSegments, readSegment, removeSegment, type OutboxCursor } from "./outbox-files.js";
import { decodeRecords } from "./record-codec.js";
import type { AppendedRecord } from "./segment-appender.js";

export interface RecoveredOutbox {
  readonly records: AppendedRecord[];
  readonly cursor: OutboxCursor;
  /** Above every segment on disk or named by the cursor, so a damaged segment is never appended to. */
  readonly nextSegment: number;
}

export async function recoverOutbox(
  dir: string,
  cursor: OutboxCursor,
  onDamagedTail: ((segment: number, offset: number) => void) | undefined,
): Promise<RecoveredOutbox> {
  const records: AppendedRecord[] = [];
  let highest = Math.max(cursor.segment, 0);
  for (const segment of await listSegments(dir)) {
    highest = Math.max(highest, segment);
    if (segment < cursor.segment) {
      await removeSegment(dir, segment);
      continue;
    }
    const start = segment === cursor.segment ? cursor.offset : 0;
    const decoded = decodeRecords(await readSegment(dir, segment), start);
    for (const record of decoded.records) records.push({ ...record, segment });
    if (decoded.damagedAt !== undefined) (onDamagedTail ?? warnDamagedTail)(segment, decoded.damagedAt);
  }
  return { records, cursor, nextSegment: highest + 1 };
}

function warnDamagedTail(segment: number, offset: number): void {
  console.warn(`outbox: segment ${segment} is damaged from byte ${offset} (a write interrupted by a crash); the records before it are kept`);
}
