// The shared arrivals watcher: without notifications many idle watchers cost one position read per
// interval; with them, none until a notification, after which all wake on one read; a failing read
// wakes them so they can fail on their own. The store's real notifications are tested on PostgreSQL.
import assert from "node:assert/strict";
import { test } from "node:test";
import { EventArrivals } from "./event-arrivals.js";

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test("50 idle watchers share one read per interval and all wake when an event arrives", async () => {
  let stored = 7;
  let reads = 0;
  const arrivals = new EventArrivals({ readPosition: () => (reads++, Promise.resolve(stored)), pollMs: 20 });
  let woken = 0;
  const waits = Array.from({ length: 50 }, () => arrivals.after(7, new AbortController().signal).then(() => woken++));
  await until("ten polls", () => reads >= 10);
  assert.equal(woken, 0, "nobody wakes while nothing newer is stored");
  const readsBefore = reads;
  stored = 8;
  await Promise.all(waits);
  assert.equal(woken, 50);
  assert.ok(reads - readsBefore <= 2, `${reads - readsBefore} reads to wake 50 watchers`);
  assert.equal(arrivals.position, 8);
  // Nobody waits any more: the poller stops reading.
  const readsAfter = reads;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(reads - readsAfter <= 1);
});

test("an abort releases its waiter at once; a failing read wakes every waiter", async () => {
  const arrivals = new EventArrivals({ readPosition: () => Promise.reject(new Error("database unavailable")), pollMs: 20 });
  const aborted = new AbortController();
  const released = arrivals.after(0, aborted.signal);
  aborted.abort();
  await released;
  await arrivals.after(0, new AbortController().signal);
  assert.equal(arrivals.position, 0);
});

test("with notifications, idle watchers cause no reads and a notification wakes them all with one read", async () => {
  let stored = 3;
  let reads = 0;
  let notify = () => {};
  const arrivals = new EventArrivals({ readPosition: () => (reads++, Promise.resolve(stored)), listen: async (callback) => void (notify = callback), pollMs: 5, safetyMs: 60_000 });
  let woken = 0;
  const waits = Array.from({ length: 50 }, () => arrivals.after(3, new AbortController().signal).then(() => woken++));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual([reads, woken], [0, 0], "no polling while notifications are there");
  stored = 4;
  notify();
  await Promise.all(waits);
  assert.deepEqual([reads, woken], [1, 50]);
});
