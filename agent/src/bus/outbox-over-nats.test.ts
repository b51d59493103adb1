// The outbox in front of the real JetStream publisher: events enqueued during a publisher failure or a NATS
// outage (a private nats-server stopped for 5 s) all reach the stream, each exactly once; plus a throughput figure.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BusNames, EventPublisher } from "@vigil/shared";
import { DiskOutbox } from "../outbox/disk-outbox.js";
import { NatsEventPublisher } from "./nats-event-publisher.js";
import { createEventStream, deleteEventStream, randomTestBusNames, readEventStream, TEST_NATS_URL } from "./testing/event-stream-reader.js";
import { startPrivateNatsServer, type PrivateNatsServer } from "./testing/private-nats-server.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quiet = { onError: () => undefined, retry: { initialMs: 50, maxMs: 500 } };

/** Counts of each message id in the stream; every value must be 1. */
function countById(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** Fails the test instead of hanging if the outbox never drains. */
async function drainedWithin(outbox: DiskOutbox, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`outbox still has ${outbox.pending()} pending after ${ms} ms`)), ms)));
  try {
    await Promise.race([outbox.drained(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let dir: string;
let names: BusNames;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vigil-outbox-nats-"));
  names = randomTestBusNames();
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

void describe("DiskOutbox over the shared NATS server", () => {
  afterEach(async () => deleteEventStream(TEST_NATS_URL, names));

  void it("delivers, in order and once each, events enqueued while the publisher failed", async () => {
    await createEventStream(TEST_NATS_URL, names);
    const nats = new NatsEventPublisher({ servers: TEST_NATS_URL });
    let failing = true;
    const switching: Pick<EventPublisher, "publish"> = {
      publish: (subject, id, data) => (failing ? Promise.reject(new Error("publisher down")) : nats.publish(subject, id, data)),
    };
    const outbox = await DiskOutbox.open({ dir, publisher: switching, ...quiet });
    const ids = Array.from({ length: 200 }, (_, i) => `h-b-${i}`);
    for (const id of ids.slice(0, 100)) await outbox.enqueue(`${names.prefix}.events.h.service`, id, bytes(id));
    await sleep(200);
    failing = false;
    await Promise.all(ids.slice(100).map((id) => outbox.enqueue(`${names.prefix}.events.h.service`, id, bytes(id))));
    await drainedWithin(outbox, 30_000);
    assert.deepEqual((await readEventStream(TEST_NATS_URL, names)).map((event) => event.messageId), ids);
    await outbox.close();
    await nats.close();
  });

  void it("publishes a burst of events through the outbox (prints events/s)", async () => {
    await createEventStream(TEST_NATS_URL, names);
    const nats = new NatsEventPublisher({ servers: TEST_NATS_URL });
    const outbox = await DiskOutbox.open({ dir, publisher: nats, ...quiet });
    const count = 20_000;
    const payload = new Uint8Array(200);
    const started = performance.now();
    const enqueued: Promise<void>[] = [];
    for (let i = 0; i < count; i++) enqueued.push(outbox.enqueue(`${names.prefix}.events.h.metrics`, `h-b-${i}`, payload));
    await Promise.all(enqueued);
    const durable = performance.now();
    await drainedWithin(outbox, 120_000);
    const published = performance.now();
    console.log(
      `outbox throughput: ${count} events of ${payload.length} B durable in ${Math.round(durable - started)} ms ` +
        `(${Math.round(count / ((durable - started) / 1000))} events/s enqueued with fsync), all acked by JetStream in ` +
        `${Math.round(published - started)} ms (${Math.round(count / ((published - started) / 1000))} events/s end to end)`,
    );
    const stored = await readEventStream(TEST_NATS_URL, names);
    assert.equal(stored.length, count);
    await outbox.close();
    await nats.close();
  });
});

void describe("DiskOutbox across a NATS outage", () => {
  let server: PrivateNatsServer;
  before(async () => (server = await startPrivateNatsServer()));
  after(async () => server.dispose());

  void it("loses and repeats nothing while its own nats-server is stopped for 5 s and started again", async () => {
    await createEventStream(server.url, names);
    const nats = new NatsEventPublisher({ servers: server.url, publishTimeoutMs: 1_000 });
    const outbox = await DiskOutbox.open({ dir, publisher: nats, ...quiet });
    const ids: string[] = [];
    let producing = true;
    const producer = (async () => {
      for (let i = 0; producing; i++) {
        const id = `h-b-${i}`;
        await outbox.enqueue(`${names.prefix}.events.h.service`, id, bytes(id));
        ids.push(id);
        await sleep(5);
      }
    })();
    await sleep(1_000);
    await server.stop();
    const duringOutage = ids.length;
    await sleep(5_000);
    assert.ok(outbox.pending() > 0, "events pile up in the outbox while NATS is down");
    await server.start();
    await sleep(1_000);
    producing = false;
    await producer;
    assert.ok(ids.length > duringOutage + 100, "enqueuing went on during the outage");
    await drainedWithin(outbox, 60_000);
    const counts = countById((await readEventStream(server.url, names)).map((event) => event.messageId));
    assert.equal(counts.size, ids.length, "every event reached the stream");
    assert.deepEqual([...counts].filter(([, n]) => n !== 1), [], "none twice");
    assert.deepEqual([...counts.keys()].sort(), [...ids].sort());
    await outbox.close();
    await nats.close();
  });
});
