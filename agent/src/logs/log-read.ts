// Reads a service log forward from a LogPosition, across rotations, for following it: each line
// once, in order, never a half-written one. The position names its file by inode and birth time,
// so rotation (<name>.log renamed to .1) does not move it.
//
// After a rotation the reader finishes the rotated file wherever it now is (.1, .2, ...) and goes
// on at the start of the next newer one, with no marker: nothing was lost. Only when the file is
// gone altogether (rotated past keep_files, or removed) does it say so, in one Vigil line, and
// go on at the start of the oldest file still there. A position with file id 0 means the current
// file; there, and in a file shorter than the offset (truncated), reading starts at its beginning.
// Known limit: where the file system records no birth time, a newer file that reuses the inode of
// one rotated away is taken for it (a reader more than keep_files files behind).
import { read } from "node:fs";
import { promisify } from "node:util";
import type { LogGeneration } from "./log-generations.js";
import type { LogChunk, LogPosition } from "./service-log.js";

const readAsync = promisify(read);
const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

export interface ReadLimits {
  readonly maxLines: number;
  /** Stops after the line that crosses it, so one answer stays well inside a gRPC message. */
  readonly maxBytes: number;
}

interface Budget {
  lines: number;
  bytes: number;
}

interface FileRead {
  readonly lines: string[];
  readonly end: number;
  /** No whole line is left after `end` (the file may still grow if it is the current one). */
  readonly atEnd: boolean;
}

/** Whole lines of one file from `offset`; a rotated file's unterminated last line counts as a line. */
async function readGeneration(file: LogGeneration, offset: number, budget: Budget): Promise<FileRead> {
  const lines: string[] = [];
  let position = offset;
  let pending = Buffer.alloc(0);
  while (budget.lines > 0 && budget.bytes > 0) {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    const { bytesRead } = await readAsync(file.fd, buffer, 0, CHUNK_BYTES, position + pending.length);
    if (bytesRead === 0) {
      if (file.generation > 0 && pending.length > 0) {
        lines.push(pending.toString("utf8"));
        position += pending.length;
      }
      return { lines, end: position, atEnd: true };
    }
    const data = pending.length === 0 ? buffer.subarray(0, bytesRead) : Buffer.concat([pending, buffer.subarray(0, bytesRead)]);
    let start = 0;
    for (let newline = data.indexOf(NEWLINE); newline >= 0 && budget.lines > 0 && budget.bytes > 0; newline = data.indexOf(NEWLINE, start)) {
      lines.push(data.toString("utf8", start, newline));
      budget.lines -= 1;
      budget.bytes -= newline + 1 - start;
      start = newline + 1;
    }
    position += start;
    pending = data.subarray(start);
  }
  return { lines, end: position, atEnd: false };
}

/** Where reading starts: the generation index (newest first) and offset, or null when the file is gone. */
function startOf(generations: readonly LogGeneration[], from: LogPosition): { index: number; offset: number } | null {
  const index = from.fileId === 0 ? 0 : generations.findIndex((file) => file.id === from.fileId);
  if (index < 0) return null;
  return { index, offset: from.offset > generations[index]!.size ? 0 : from.offset };
}

/** `lostLine` is Vigil's line saying that lines were rotated away before they could be read. */
export async function readGenerations(generations: readonly LogGeneration[], from: LogPosition, limits: ReadLimits, lostLine: string): Promise<LogChunk> {
  if (generations.length === 0) return { lines: [], next: from };
  const start = startOf(generations, from);
  const lines = start === null ? [lostLine] : [];
  let index = start?.index ?? generations.length - 1;
  let offset = start?.offset ?? 0;
  const budget: Budget = { lines: limits.maxLines - lines.length, bytes: limits.maxBytes };
  for (;;) {
    const file = generations[index]!;
    const got = await readGeneration(file, offset, budget);
    lines.push(...got.lines);
    offset = got.end;
    if (!got.atEnd || index === 0 || budget.lines <= 0 || budget.bytes <= 0) break;
    index -= 1;
    offset = 0;
  }
  return { lines, next: { fileId: generations[index]!.id, offset } };
}
