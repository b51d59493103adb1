// Reads the last lines of a log backwards in chunks across its generations, so tailing a 10 MiB log
// reads kilobytes, and says where the tail ends so that a follower reads on from exactly there.
import { read } from "node:fs";
import { promisify } from "node:util";
import type { LogGeneration } from "./log-generations.js";
import { LOG_START, type LogChunk } from "./service-log.js";

const readAsync = promisify(read);
const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let at = buffer.indexOf(NEWLINE); at >= 0; at = buffer.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

/**
 * Up to `lines` last whole lines before byte `end` of the file (oldest first), and the byte just
 * after the last of them: a line still being written (no newline yet) is left for the next read.
 */
async function tailGeneration(file: LogGeneration, lines: number): Promise<{ lines: string[]; end: number }> {
  const parts: Buffer[] = [];
  let position = file.size;
  let newlines = 0;
  // One newline more than wanted marks where the first wanted line begins.
  while (position > 0 && newlines <= lines) {
    const length = Math.min(CHUNK_BYTES, position);
    position -= length;
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await readAsync(file.fd, buffer, 0, length, position);
    parts.unshift(buffer.subarray(0, bytesRead));
    newlines += countNewlines(buffer.subarray(0, bytesRead));
  }
  const all = Buffer.concat(parts);
  const whole = all.lastIndexOf(NEWLINE) + 1;
  const text = all.subarray(0, whole).toString("utf8").split("\n");
  text.pop(); // After the last newline: "" or nothing.
  if (position > 0) text.shift();
  return { lines: lines <= 0 ? [] : text.slice(-lines), end: position + whole };
}

/** The last `lines` lines across the generations (newest first, as openGenerations returns them). */
export async function tailGenerations(generations: readonly LogGeneration[], lines: number): Promise<LogChunk> {
  const newest = generations[0];
  if (newest === undefined) return { lines: [], next: LOG_START };
  let found: string[] = [];
  let next = LOG_START;
  for (const file of generations) {
    if (found.length >= lines && file !== newest) break;
    const tail = await tailGeneration(file, lines - found.length);
    if (file === newest) next = { fileId: file.id, offset: tail.end };
    found = [...tail.lines, ...found];
  }
  return { lines: found, next };
}
