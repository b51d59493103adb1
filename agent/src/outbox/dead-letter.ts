// Records the bus refused again and again (too large, rejected by the stream) are set aside here instead of
// blocking every later event: appended to dead-letter.log in the outbox's directory, same record format as a
// segment, so an operator can read them back (decodeRecords) and resend them once the cause is fixed.
import { open } from "node:fs/promises";
import { join } from "node:path";
import { PublishRefusedError } from "@vigil/shared";
import { encodeRecord, type OutboxEntry } from "./record-codec.js";

export const DEAD_LETTER_FILE = "dead-letter.log";

export async function appendDeadLetter(dir: string, entry: OutboxEntry): Promise<void> {
  const handle = await open(join(dir, DEAD_LETTER_FILE), "a", 0o600);
  try {
    await handle.write(encodeRecord(entry));
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** True when the bus answered that it will never take this message; an unreachable bus is no refusal. */
export function isRefusal(error: unknown): boolean {
  return error instanceof PublishRefusedError;
}
