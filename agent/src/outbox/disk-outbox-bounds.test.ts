// The outbox's bounds (issue 12): a long outage keeps only a window of records in memory and the rest on
// disk, a full outbox refuses new events and says so (never silently), and a record the bus refuses for
// good is set aside in dead-letter.log instead of blocking every later event.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DEAD_LETTER_FILE } from "./dead-letter.js";
import { type DiskOutbox, type DiskOutboxOptions } from "./disk-outbox.js";
import { noticeLine, OutboxFullError, type OutboxNotice } from "./outbox-notices.js";
import { decodeRecords } from "./record-codec.js";
import { FakePublisher } from "./testing/fake-publisher.js";
import { bytes, enqueueAll, freshOutboxDir, ids, openTestOutbox, removeOutboxDir, SUBJECT } from "./testing/outbox-test-kit.js";

let dir: string;
beforeEach(async () => (dir = await freshOutboxDir()));
afterEach(async () => removeOutboxDir(dir));

const open = (publisher: FakePublisher, extra: Partial<DiskOutboxOptions> = {}): Promise<DiskOutbox> => openTestOutbox(dir, publisher, extra);

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

void describe("DiskOutbox bounds", () => {
  void it("holds at most its window in memory during an outage and delivers every event once, in order, afterwards", async () => {
    const publisher = new FakePublisher();
    publisher.mode = "refuse";
    const outbox = await open(publisher, { windowRecords: 100, segmentBytes: 64 * 1024 });
    await enqueueAll(outbox, 0, 5_000);
    assert.equal(outbox.pending(), 5_000);
    assert.ok(outbox.inMemory() <= 100, `in memory: ${outbox.inMemory()}`);
    publisher.mode = "accept";
    await outbox.drained();
    assert.deepEqual(publisher.accepted, ids(0, 5_000));
    await outbox.close();
  });

  void it("reads the backlog back from disk after a restart a window at a time, and sends each record once", async () => {
    const publisher = new FakePublisher();
    publisher.mode = "refuse";
    const outbox = await open(publisher, { segmentBytes: 16 * 1024 });
    await enqueueAll(outbox, 0, 3_000);
    await outbox.close();
    const after = new FakePublisher();
    after.mode = "refuse";
    const reopened = await open(after, { windowRecords: 50, segmentBytes: 16 * 1024 });
    assert.equal(reopened.pending(), 3_000);
    await waitFor(() => after.attempts > 0, "a first attempt");
    assert.ok(reopened.inMemory() <= 50, `in memory after reopen: ${reopened.inMemory()}`);
    after.mode = "accept";
    await enqueueAll(reopened, 3_000, 3_100);
    await reopened.drained();
    assert.deepEqual(after.accepted, ids(0, 3_100));
    await reopened.close();
  });

  void it("refuses new events at its size cap, keeps the backlog whole, and says how many it refused once space returns", async () => {
    const publisher = new FakePublisher();
    publisher.mode = "refuse";
    const notices: OutboxNotice[] = [];
    const outbox = await open(publisher, { maxBytes: 4_096, onNotice: (notice) => notices.push(notice) });
    let accepted = 0;
    let refused = 0;
    for (const id of ids(0, 200)) {
      try {
        await outbox.enqueue(SUBJECT, id, bytes(id));
        accepted += 1;
      } catch (error) {
        assert.ok(error instanceof OutboxFullError);
        refused += 1;
      }
    }
    assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused}`);
    assert.deepEqual(notices, [{ kind: "full", maxBytes: 4_096 }], "one notice for the whole series, not one per event");
    assert.equal(outbox.counters().refused, refused);
    publisher.mode = "accept";
    await outbox.drained();
    assert.deepEqual(publisher.accepted, ids(0, accepted), "the backlog up to the cap went out whole and in order");
    await outbox.enqueue(SUBJECT, "after", bytes("after"));
    assert.deepEqual(notices.at(-1), { kind: "space-again", refused });
    assert.equal(noticeLine(notices.at(-1)!), `outbox: space again; ${refused} events were refused while it was full`);
    await outbox.drained();
    await outbox.close();
  });

  void it("sets a record the bus refuses for good aside after maxRefusals, says so, and delivers the later ones", async () => {
    const publisher = new FakePublisher();
    publisher.poisoned.add("id-3");
    const notices: OutboxNotice[] = [];
    const outbox = await open(publisher, { maxInFlight: 1, maxRefusals: 5, onNotice: (notice) => notices.push(notice) });
    await enqueueAll(outbox, 0, 10);
    await outbox.drained();
    assert.deepEqual(publisher.accepted, ids(0, 10).filter((id) => id !== "id-3"));
    assert.equal(outbox.counters().deadLettered, 1);
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.kind, "dead-lettered");
    assert.match(noticeLine(notices[0]!), /^outbox: the bus refused event id-3 \(t\.events\.h\.service\) 5 times: set aside in dead-letter\.log/);
    const deadLetters = decodeRecords(await readFile(join(dir, DEAD_LETTER_FILE)));
    assert.deepEqual(deadLetters.records.map((record) => record.messageId), ["id-3"]);
    assert.equal(new TextDecoder().decode(deadLetters.records[0]!.data), "id-3");
    await outbox.close();
    const again = new FakePublisher();
    const reopened = await open(again);
    await reopened.drained();
    assert.deepEqual(again.accepted, [], "a record set aside is not sent again after a restart");
    await reopened.close();
  });

  void it("does not set anything aside while the bus is merely unreachable", async () => {
    const publisher = new FakePublisher();
    publisher.mode = "refuse";
    const outbox = await open(publisher, { maxRefusals: 2 });
    await enqueueAll(outbox, 0, 5);
    await waitFor(() => publisher.attempts > 20, "many failed rounds");
    assert.equal(outbox.counters().deadLettered, 0);
    publisher.mode = "accept";
    await outbox.drained();
    assert.deepEqual(publisher.accepted, ids(0, 5));
    await outbox.close();
  });

  void it("refuses a size cap that is not a positive integer", async () => {
    await assert.rejects(open(new FakePublisher(), { maxBytes: 0 }), /^InvalidInputError: maxBytes: must be a positive integer$/);
  });
});
