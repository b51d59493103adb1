// Reads the last lines of a log file backwards in chunks, so tailing a 10 MiB log reads kilobytes.
// Opened with O_NOFOLLOW through the log directory's fd like every other access.
import { constants } from "node:fs";
import { open } from "node:fs/promises";

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let at = buffer.indexOf(NEWLINE); at >= 0; at = buffer.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

/**
 * Up to `lines` last lines of the file (oldest first); [] when it does not exist or is not the
 * owner's own plain file: root reads here on the user's behalf, so a hard link the user made to a
 * file they may not read must not come back to them.
 */
export async function tailFile(path: string, lines: number, ownerUid: number): Promise<string[]> {
  if (lines <= 0) return [];
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return [];
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.nlink !== 1 || stats.uid !== ownerUid) return [];
    const parts: Buffer[] = [];
    let position = stats.size;
    let newlines = 0;
    // One newline more than wanted marks where the first wanted line begins.
    while (position > 0 && newlines <= lines) {
      const length = Math.min(CHUNK_BYTES, position);
      position -= length;
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      parts.unshift(buffer.subarray(0, bytesRead));
      newlines += countNewlines(buffer.subarray(0, bytesRead));
    }
    const text = Buffer.concat(parts).toString("utf8").split("\n");
    if (text[text.length - 1] === "") text.pop();
    if (position > 0) text.shift();
    return text.slice(-lines);
  } finally {
    await handle.close();
  }
}
