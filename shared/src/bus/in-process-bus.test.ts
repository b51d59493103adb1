// The in-process bus keeps the transport's promises: dedup by message id, ack only after the handler,
// redelivery after a failure, publish order per subject, and nothing lost across a consumer restart.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BusDelivery, EventConsumer } from "./event-bus.js";
import { InProcessBus } from "./in-process-bus.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const quiet = { onHandlerError: () => undefined, redeliveryDelayMs: 20 };

/** A consumer that records the message ids it handles. */
async function recordingConsumer(bus: InProcessBus): Promise<{ readonly ids: string[]; readonly consumer: EventConsumer }> {
  const ids: string[] = [];
  const consumer = await bus.consume(async (delivery) => void ids.push(delivery.messageId));
  return { ids, consumer };
}

void describe("InProcessBus", () => {
  void it("delivers a published message and resolves publish only after the handler succeeded", async () => {
    const bus = new InProcessBus(quiet);
    const order: string[] = [];
    const published: Promise<unknown> = bus.publish("p.events.h.service", "h-1-1", bytes("hello")).then(() => order.push("accepted"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual([...order], [], "no consumer yet, so not accepted");
    const consumer = await bus.consume(async (delivery) => {
      order.push(`handled ${delivery.messageId} ${text(delivery.data)} redelivered=${delivery.redelivered}`);
    });
    await published;
    assert.deepEqual(order, ["handled h-1-1 hello redelivered=false", "accepted"]);
    await consumer.close();
    await bus.close();
  });

  void it("delivers a message id published twice within the duplicate window once", async () => {
    const bus = new InProcessBus(quiet);
    const { ids: seen, consumer } = await recordingConsumer(bus);
    await bus.publish("s", "id-1", bytes("a"));
    await bus.publish("s", "id-1", bytes("a"));
    await bus.publish("s", "id-2", bytes("b"));
    assert.deepEqual(seen, ["id-1", "id-2"]);
    await consumer.close();
    await bus.close();
  });

  void it("delivers a repeated id again once the duplicate window has passed", async () => {
    let now = 1_000;
    const bus = new InProcessBus({ ...quiet, duplicateWindowMs: 100, now: () => now });
    const { ids: seen, consumer } = await recordingConsumer(bus);
    await bus.publish("s", "id-1", bytes("a"));
    now += 101;
    await bus.publish("s", "id-1", bytes("a"));
    assert.deepEqual(seen, ["id-1", "id-1"]);
    await consumer.close();
    await bus.close();
  });

  void it("redelivers a message whose handler threw, after the delay, and accepts it once the handler succeeds", async () => {
    const bus = new InProcessBus(quiet);
    const deliveries: BusDelivery[] = [];
    const consumer = await bus.consume(async (delivery) => {
      deliveries.push(delivery);
      if (deliveries.length < 3) throw new Error("database unavailable");
    });
    const started = Date.now();
    await bus.publish("s", "id-1", bytes("a"));
    assert.ok(Date.now() - started >= 2 * 20 - 5, "two redelivery delays elapsed");
    assert.deepEqual(
      deliveries.map((d) => [d.messageId, d.attempt, d.redelivered]),
      [["id-1", 1, false], ["id-1", 2, true], ["id-1", 3, true]],
    );
    await consumer.close();
    await bus.close();
  });

  void it("delivers messages of each subject in publish order", async () => {
    const bus = new InProcessBus(quiet);
    const bySubject = new Map<string, number[]>();
    const consumer = await bus.consume(async (delivery) => {
      const list = bySubject.get(delivery.subject) ?? [];
      list.push(Number(text(delivery.data)));
      bySubject.set(delivery.subject, list);
      if (list.length % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    });
    const published: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) published.push(bus.publish(`s${i % 3}`, `id-${i}`, bytes(String(i))));
    await Promise.all(published);
    for (let s = 0; s < 3; s++) {
      const expected = Array.from({ length: 100 }, (_, k) => k * 3 + s);
      assert.deepEqual(bySubject.get(`s${s}`), expected);
    }
    await consumer.close();
    await bus.close();
  });

  void it("hands unacked messages to the next consumer after a consumer closes, and none that were acked", async () => {
    const bus = new InProcessBus(quiet);
    const { ids: first, consumer } = await recordingConsumer(bus);
    await bus.publish("s", "id-1", bytes("a"));
    await consumer.close();
    const pending = [bus.publish("s", "id-2", bytes("b")), bus.publish("s", "id-3", bytes("c"))];
    const { ids: second, consumer: reopened } = await recordingConsumer(bus);
    await Promise.all(pending);
    assert.deepEqual(first, ["id-1"]);
    assert.deepEqual(second, ["id-2", "id-3"]);
    await reopened.close();
    await bus.close();
  });

  void it("refuses messages still queued when the bus closes, so the publisher keeps them", async () => {
    const bus = new InProcessBus(quiet);
    const pending = bus.publish("s", "id-1", bytes("a"));
    await bus.close();
    await assert.rejects(pending, /event bus closed/);
    await assert.rejects(bus.publish("s", "id-2", bytes("b")), /event bus closed/);
  });

  void it("allows one consumer at a time", async () => {
    const bus = new InProcessBus(quiet);
    const consumer = await bus.consume(async () => undefined);
    await assert.rejects(bus.consume(async () => undefined), /has a consumer already/);
    await consumer.close();
    await bus.close();
  });
});
