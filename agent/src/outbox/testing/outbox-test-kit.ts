// Shared by the outbox's unit tests: a fresh directory per test, numbered message ids, and an outbox
// over a FakePublisher that retries fast and keeps quiet unless a test listens.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskOutbox, type DiskOutboxOptions } from "../disk-outbox.js";
import type { FakePublisher } from "./fake-publisher.js";

export const SUBJECT = "t.events.h.service";
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, k) => `id-${from + k}`);

export function freshOutboxDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "vigil-outbox-"));
}

export function removeOutboxDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

export function openTestOutbox(dir: string, publisher: FakePublisher, extra: Partial<DiskOutboxOptions> = {}): Promise<DiskOutbox> {
  return DiskOutbox.open({ dir, publisher, retry: { initialMs: 5, maxMs: 20 }, onError: () => undefined, onNotice: () => undefined, ...extra });
}

/** Enqueues ids [from, to), at most 500 at once. */
export async function enqueueAll(outbox: DiskOutbox, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 500) {
    await Promise.all(ids(start, Math.min(to, start + 500)).map((id) => outbox.enqueue(SUBJECT, id, bytes(id))));
  }
}
