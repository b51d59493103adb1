// The outbox directory: numbered segment files of records, and cursor.json saying up to where they were acked.
// Every name change is followed by an fsync of the directory, so a crash cannot lose a created or renamed file.
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

/** Everything before `offset` in segment `segment`, and every earlier segment, was accepted by the bus. */
export interface OutboxCursor {
  readonly segment: number;
  readonly offset: number;
}

export const START_CURSOR: OutboxCursor = { segment: 0, offset: 0 };
const SEGMENT_PATTERN = /^segment-(\d{20})\.log$/;
const CURSOR_FILE = "cursor.json";

export function segmentPath(dir: string, segment: number): string {
  return join(dir, `segment-${String(segment).padStart(20, "0")}.log`);
}

export async function ensureOutboxDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Segment numbers present in the directory, ascending. */
export async function listSegments(dir: string): Promise<number[]> {
  const numbers: number[] = [];
  for (const name of await readdir(dir)) {
    const match = SEGMENT_PATTERN.exec(name);
    if (match?.[1] !== undefined) numbers.push(Number(match[1]));
  }
  return numbers.sort((a, b) => a - b);
}

export function readSegment(dir: string, segment: number): Promise<Buffer> {
  return readFile(segmentPath(dir, segment));
}

/** Creates a new, empty segment for appending; "wx" because a segment is never reopened for writing. */
export async function createSegment(dir: string, segment: number): Promise<FileHandle> {
  const handle = await open(segmentPath(dir, segment), "wx", 0o600);
  await syncDir(dir);
  return handle;
}

export async function removeSegment(dir: string, segment: number): Promise<void> {
  await rm(segmentPath(dir, segment), { force: true });
}

export async function readCursor(dir: string): Promise<OutboxCursor> {
  let text: string;
  try {
    text = await readFile(join(dir, CURSOR_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return START_CURSOR;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<OutboxCursor>;
  if (!Number.isSafeInteger(parsed.segment) || !Number.isSafeInteger(parsed.offset)) {
    throw new Error(`${join(dir, CURSOR_FILE)}: segment and offset must be integers`);
  }
  return { segment: parsed.segment!, offset: parsed.offset! };
}

/** Write to a temporary file, fsync, rename over: a crash leaves either the old or the new cursor, never half. */
export async function writeCursor(dir: string, cursor: OutboxCursor): Promise<void> {
  const temporary = join(dir, `${CURSOR_FILE}.tmp`);
  const handle = await open(temporary, "w", 0o600);
  try {
    await handle.writeFile(JSON.stringify(cursor));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, join(dir, CURSOR_FILE));
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
