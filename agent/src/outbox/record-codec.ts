// The outbox's on-disk record: [u32 body length][u32 CRC-32 of body][body], body =
// [u16 subject length][subject][u16 id length][message id][data], all big-endian, UTF-8 strings.
import { crc32 } from "./crc32.js";

export interface OutboxEntry {
  readonly subject: string;
  readonly messageId: string;
  readonly data: Uint8Array;
}

/** A record read back, with the offset just past it in its segment (the cursor once it is acked). */
export interface DecodedRecord extends OutboxEntry {
  readonly end: number;
}

const HEADER_BYTES = 8;
const MAX_STRING_BYTES = 0xffff;

/** Bytes the record of `entry` takes in a segment: what the outbox's size cap counts. */
export function encodedLength(entry: OutboxEntry): number {
  return HEADER_BYTES + 2 + Buffer.byteLength(entry.subject, "utf8") + 2 + Buffer.byteLength(entry.messageId, "utf8") + entry.data.length;
}

export function encodeRecord(entry: OutboxEntry): Buffer {
  const subject = Buffer.from(entry.subject, "utf8");
  const messageId = Buffer.from(entry.messageId, "utf8");
  if (subject.length > MAX_STRING_BYTES) throw new RangeError(`subject: must be at most ${MAX_STRING_BYTES} bytes`);
  if (messageId.length > MAX_STRING_BYTES) throw new RangeError(`messageId: must be at most ${MAX_STRING_BYTES} bytes`);
  const bodyLength = 2 + subject.length + 2 + messageId.length + entry.data.length;
  const record = Buffer.allocUnsafe(HEADER_BYTES + bodyLength);
  let at = HEADER_BYTES;
  at = record.writeUInt16BE(subject.length, at);
  at += subject.copy(record, at);
  at = record.writeUInt16BE(messageId.length, at);
  at += messageId.copy(record, at);
  record.set(entry.data, at);
  record.writeUInt32BE(bodyLength, 0);
  record.writeUInt32BE(crc32(record.subarray(HEADER_BYTES)), 4);
  return record;
}

/**
 * Decodes the records of one segment from `start`. Stops at the first record that is incomplete or fails its
 * checksum: that is the tail a crash tore mid-write (or later damage), and nothing after it can be trusted.
 */
export function decodeRecords(segment: Buffer, start = 0): { readonly records: DecodedRecord[]; readonly damagedAt: number | undefined } {
  const records: DecodedRecord[] = [];
  let at = start;
  while (at < segment.length) {
    const record = decodeOne(segment, at);
    if (record === undefined) return { records, damagedAt: at };
    records.push(record);
    at = record.end;
  }
  return { records, damagedAt: undefined };
}

function decodeOne(segment: Buffer, at: number): DecodedRecord | undefined {
  if (segment.length - at < HEADER_BYTES) return undefined;
  const bodyLength = segment.readUInt32BE(at);
  const end = at + HEADER_BYTES + bodyLength;
  if (bodyLength < 4 || end > segment.length) return undefined;
  const body = segment.subarray(at + HEADER_BYTES, end);
  if (crc32(body) !== segment.readUInt32BE(at + 4)) return undefined;
  const subjectLength = body.readUInt16BE(0);
  const idAt = 2 + subjectLength;
  if (idAt + 2 > body.length) return undefined;
  const idLength = body.readUInt16BE(idAt);
  const dataAt = idAt + 2 + idLength;
  if (dataAt > body.length) return undefined;
  return {
    subject: body.toString("utf8", 2, idAt),
    messageId: body.toString("utf8", idAt + 2, dataAt),
    // A copy, so the segment buffer read at startup can be freed once its records are sent.
    data: new Uint8Array(body.subarray(dataAt)),
    end,
  };
}
