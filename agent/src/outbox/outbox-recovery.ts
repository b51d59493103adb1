// Startup of the outbox: drop segments the cursor has passed, check every record after the cursor one segment
// at a time, and stop at a damaged tail (a crash mid-write) instead of failing; new appends go to a fresh
// segment. Only the ranges are kept: the records stay on disk and are read back as the sender needs them.
import { listSegments, readSegment, removeSegment, type OutboxCursor } from "./outbox-files.js";
import { decodeRecords } from "./record-codec.js";
import type { SpilledRange } from "./spilled-ranges.js";

export interface RecoveredOutbox {
  /** The unacked records on disk, oldest first. */
  readonly ranges: SpilledRange[];
  readonly cursor: OutboxCursor;
  /** Above every segment on disk or named by the cursor, so a damaged segment is never appended to. */
  readonly nextSegment: number;
}

export async function recoverOutbox(
  dir: string,
  cursor: OutboxCursor,
  onDamagedTail: (segment: number, offset: number) => void,
): Promise<RecoveredOutbox> {
  const ranges: SpilledRange[] = [];
  let highest = Math.max(cursor.segment, 0);
  for (const segment of await listSegments(dir)) {
    highest = Math.max(highest, segment);
    if (segment < cursor.segment) {
      await removeSegment(dir, segment);
      continue;
    }
    const start = segment === cursor.segment ? cursor.offset : 0;
    // One segment (at most segmentBytes plus one record) in memory at a time; its records are not kept.
    const decoded = decodeRecords(await readSegment(dir, segment), start);
    const last = decoded.records.at(-1);
    if (last !== undefined) ranges.push({ segment, start, end: last.end, records: decoded.records.length });
    if (decoded.damagedAt !== undefined) onDamagedTail(segment, decoded.damagedAt);
  }
  return { ranges, cursor, nextSegment: highest + 1 };
}
