// The outbox as the agent relies on it: events survive a bus outage and an agent restart, go out in
// order, and acked events are never resent after a clean close; disk use stays bounded.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { DiskOutbox, type DiskOutboxOptions } from "./disk-outbox.js";
import { FakePublisher } from "./testing/fake-publisher.js";
import { bytes, enqueueAll, freshOutboxDir, ids, openTestOutbox, removeOutboxDir, SUBJECT } from "./testing/outbox-test-kit.js";

let dir: string;
beforeEach(async () => (dir = await freshOutboxDir()));
afterEach(async () => removeOutboxDir(dir));

const open = (publisher: FakePublisher, extra: Partial<DiskOutboxOptions> = {}): Promise<DiskOutbox> => openTestOutbox(dir, publisher, extra);

void describe("DiskOutbox", () => {
  void it("publishes enqueued events in enqueue order", async () => {
    const publisher = new FakePublisher();
    const outbox = await open(publisher, { maxInFlight: 1 });
    await enqueueAll(outbox, 0, 50);
    await outbox.drained();
    assert.deepEqual(publisher.accepted, ids(0, 50));
    assert.equal(outbox.pending(), 0);
    await outbox.close();
  });

  void it("keeps retrying while the bus refuses, then delivers every event in order once it accepts", async () => {
    const publisher = new FakePublisher();
    publisher.mode = "refuse";
    const outbox = await open(publisher, { maxInFlight: 1 });
    await enqueueAll(outbox, 0, 20);
    for (const deadline = Date.now() + 15_000; publisher.attempts <= 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(publisher.attempts > 2, "retried during the outage");
    assert.equal(outbox.pending(), 20);
    publisher.mode = "accept";
    await enqueueAll(outbox, 20, 30);
    await outbox.drained();
    assert.deepEqual(publisher.accepted, ids(0, 30));
    await outbox.close();
  });

  void it("resends after a reopen exactly the events that were not accepted before close", async () => {
    const publisher = new FakePublisher();
    const outbox = await open(publisher);
    await enqueueAll(outbox, 0, 10);
    await outbox.drained();
    publisher.mode = "hang";
    await enqueueAll(outbox, 10, 25);
    await outbox.close();
    const after = new FakePublisher();
    const reopened = await open(after);
    await reopened.drained();
    assert.deepEqual(after.accepted, ids(10, 25));
    await reopened.close();
  });

  void it("rejects enqueue after close, naming nothing lost", async () => {
    const outbox = await open(new FakePublisher());
    await outbox.close();
    await assert.rejects(outbox.enqueue(SUBJECT, "id-0", bytes("x")), /outbox closed/);
  });

  void it("deletes segments once every record in them was accepted, so the disk stays bounded", async () => {
    const publisher = new FakePublisher();
    const outbox = await open(publisher, { segmentBytes: 512 });
    for (let round = 0; round < 20; round++) await enqueueAll(outbox, round * 10, round * 10 + 10);
    await outbox.drained();
    await outbox.checkpoint();
    const segments = (await readdir(dir)).filter((name) => name.startsWith("segment-"));
    assert.ok(segments.length <= 2, `only the active segment (and the one the cursor ends in) remain: ${segments.join(", ")}`);
    await outbox.close();
    const again = new FakePublisher();
    const reopened = await open(again);
    await reopened.drained();
    assert.deepEqual(again.accepted, [], "nothing acked is sent again");
    await reopened.close();
  });

  void it("refuses bad input with the field and the rule", async () => {
    await assert.rejects(DiskOutbox.open({ dir, publisher: new FakePublisher(), maxInFlight: 0 }), /^InvalidInputError: maxInFlight: must be a positive integer$/);
    const outbox = await open(new FakePublisher(), { maxMessageBytes: 4 });
    await assert.rejects(outbox.enqueue("a b", "", bytes("12345")), (error: Error) => {
      assert.equal(error.message, "subject: must be non-empty without whitespace; messageId: must be non-empty on one line; data: must be at most 4 bytes");
      return true;
    });
    await outbox.close();
  });
});
