// Embedded mode: the outbox in front of the in-process bus. An event counts as sent only once the
// coordinator's handler succeeded, so a process that stops before that resends it on the next start.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InProcessBus } from "@vigil/shared";
import { DiskOutbox } from "./disk-outbox.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const quiet = { onError: () => undefined, retry: { initialMs: 5, maxMs: 20 } };

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "vigil-outbox-embedded-"))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

void describe("DiskOutbox over the in-process bus", () => {
  void it("delivers events in order to the consumer and drains once the handler accepted them", async () => {
    const bus = new InProcessBus({ onHandlerError: () => undefined });
    const handled: string[] = [];
    const consumer = await bus.consume(async (delivery) => void handled.push(delivery.messageId));
    const outbox = await DiskOutbox.open({ dir, publisher: bus, ...quiet });
    for (let i = 0; i < 30; i++) await outbox.enqueue("vigil.events.h.service", `id-${i}`, bytes(`${i}`));
    await outbox.drained();
    assert.deepEqual(handled, Array.from({ length: 30 }, (_, i) => `id-${i}`));
    await outbox.close();
    await consumer.close();
    await bus.close();
  });

  void it("keeps events the coordinator never handled across a restart of the whole process", async () => {
    const firstBus = new InProcessBus({ onHandlerError: () => undefined });
    const outbox = await DiskOutbox.open({ dir, publisher: firstBus, ...quiet });
    for (let i = 0; i < 5; i++) await outbox.enqueue("vigil.events.h.service", `id-${i}`, bytes(`${i}`));
    await outbox.close();
    await firstBus.close();

    const bus = new InProcessBus({ onHandlerError: () => undefined });
    const handled: string[] = [];
    const consumer = await bus.consume(async (delivery) => void handled.push(delivery.messageId));
    const reopened = await DiskOutbox.open({ dir, publisher: bus, ...quiet });
    await reopened.drained();
    assert.deepEqual(handled, ["id-0", "id-1", "id-2", "id-3", "id-4"]);
    await reopened.close();
    await consumer.close();
    await bus.close();
  });
});
