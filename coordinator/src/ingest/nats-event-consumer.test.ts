// The coordinator's durable consumer against the real NATS server: round trip, dedup by message id,
// redelivery after a failed handler, and a restart that neither loses nor repeats acked messages.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BusDelivery, EventConsumer } from "@vigil/shared";
import { ensureEventStream } from "./event-stream-setup.js";
import { NatsEventSource } from "./nats-event-consumer.js";
import { openTestBus, TEST_NATS_URL, type TestBus } from "./testing/nats-test-bus.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const WAIT_MS = 20_000;

let bus: TestBus;
const consumers: EventConsumer[] = [];
beforeEach(async () => (bus = await openTestBus()));
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.close();
  await bus.dispose();
});

function source(): NatsEventSource {
  return new NatsEventSource({ servers: TEST_NATS_URL, names: bus.names, redeliveryDelayMs: 100, onHandlerError: () => undefined });
}

async function consume(handler: (delivery: BusDelivery) => Promise<void>): Promise<EventConsumer> {
  const consumer = await source().consume(handler);
  consumers.push(consumer);
  return consumer;
}

async function publish(host: string, id: string, body = id): Promise<void> {
  await bus.client.publish(`${bus.names.prefix}.events.${host}.service`, bytes(body), { msgID: id });
}

/** Resolves once `predicate` holds, checking every 20 ms; fails after WAIT_MS. */
async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

void describe("NatsEventSource", () => {
  void it("delivers a published message with its subject, message id and data, first attempt", async () => {
    const received: BusDelivery[] = [];
    await consume(async (delivery) => void received.push(delivery));
    await publish("web-1", "web-1-b-1", "started");
    await until(() => received.length === 1, "the delivery");
    const [delivery] = received;
    assert.equal(delivery!.subject, `${bus.names.prefix}.events.web-1.service`);
    assert.equal(delivery!.messageId, "web-1-b-1");
    assert.equal(text(delivery!.data), "started");
    assert.equal(delivery!.redelivered, false);
    assert.equal(delivery!.attempt, 1);
  });

  void it("delivers a message id published twice within the duplicate window once", async () => {
    const received: string[] = [];
    await consume(async (delivery) => void received.push(delivery.messageId));
    await publish("h", "h-b-1");
    await publish("h", "h-b-1");
    await publish("h", "h-b-2");
    await until(() => received.includes("h-b-2"), "the message after the duplicate");
    assert.deepEqual(received, ["h-b-1", "h-b-2"]);
  });

  void it("redelivers a message whose handler threw and acks it once the handler succeeds", async () => {
    const attempts: [number, boolean][] = [];
    const consumer = await consume(async (delivery) => {
      attempts.push([delivery.attempt, delivery.redelivered]);
      if (attempts.length < 3) throw new Error("database unavailable");
    });
    await publish("h", "h-b-1");
    await until(() => attempts.length === 3, "two redeliveries");
    assert.deepEqual(attempts, [[1, false], [2, true], [3, true]]);
    await consumer.close();
    consumers.splice(0);
    const info = await bus.manager.consumers.info(bus.names.stream, bus.names.durableConsumer);
    assert.equal(info.num_ack_pending, 0, "acked after the successful attempt");
    assert.equal(info.num_pending, 0);
  });

  void it("finishes and acks the messages in progress when closed, and a restarted consumer repeats none of them", async () => {
    await ensureEventStream(bus.manager, bus.names);
    for (let i = 1; i <= 10; i++) await publish("h", `h-b-${i}`);
    const first: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const consumer = await consume(async (delivery) => {
      first.push(delivery.messageId);
      // Handlers run concurrently: the sixth still waits while the rest are handed over.
      if (delivery.messageId === "h-b-6") await gate;
    });
    await until(() => first.length === 10, "all ten handed over while the sixth is still in progress");
    const closing = consumer.close();
    release();
    await closing;
    consumers.splice(0);
    const info = await bus.manager.consumers.info(bus.names.stream, bus.names.durableConsumer);
    assert.equal(info.num_ack_pending, 0, "every message, the one in progress at close too, was acked");
    const second: string[] = [];
    await consume(async (delivery) => void second.push(delivery.messageId));
    await publish("h", "h-b-11");
    await until(() => second.length >= 1, "the next message after the restart");
    assert.deepEqual(first, Array.from({ length: 10 }, (_, i) => `h-b-${i + 1}`), "handed over in stream order");
    assert.deepEqual(second, ["h-b-11"]);
  });

  void it("creates the stream with file storage, the prefix's subjects and a duplicate window", async () => {
    await consume(async () => undefined);
    const info = await bus.manager.streams.info(bus.names.stream);
    assert.equal(info.config.storage, "file");
    assert.deepEqual(info.config.subjects, [bus.names.allSubjects]);
    assert.equal(info.config.duplicate_window, 120_000_000_000);
    const consumerInfo = await bus.manager.consumers.info(bus.names.stream, bus.names.durableConsumer);
    assert.equal(consumerInfo.config.ack_policy, "explicit");
    assert.equal(consumerInfo.config.max_deliver, -1);
  });
});
