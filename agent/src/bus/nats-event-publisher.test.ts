// The agent's JetStream publisher against real NATS: a publish resolves once the stream holds the message,
// a repeated message id is stored once, and a missing stream or an unreachable server is a rejection.
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { MessageIdSequence, type BusNames } from "@vigil/shared";
import { newBootId } from "./boot-id.js";
import { NatsEventPublisher } from "./nats-event-publisher.js";
import { createEventStream, deleteEventStream, randomTestBusNames, readEventStream, TEST_NATS_URL } from "./testing/event-stream-reader.js";
import { startPrivateNatsServer, type PrivateNatsServer } from "./testing/private-nats-server.js";

const bytes = (text: string) => new TextEncoder().encode(text);

void describe("NatsEventPublisher", () => {
  let names: BusNames;
  let publisher: NatsEventPublisher;
  beforeEach(() => {
    names = randomTestBusNames();
    publisher = new NatsEventPublisher({ servers: TEST_NATS_URL, publishTimeoutMs: 2_000 });
  });
  afterEach(async () => {
    await publisher.close();
    await deleteEventStream(TEST_NATS_URL, names);
  });

  void it("resolves once the stream holds the message, with its message id", async () => {
    await createEventStream(TEST_NATS_URL, names);
    await publisher.publish(`${names.prefix}.events.h.heartbeat`, "h-b-1", bytes("beat"));
    const stored = await readEventStream(TEST_NATS_URL, names);
    assert.deepEqual(stored.map((event) => [event.subject, event.messageId, new TextDecoder().decode(event.data)]), [[`${names.prefix}.events.h.heartbeat`, "h-b-1", "beat"]]);
  });

  void it("stores a message id published twice once, and resolves both publishes", async () => {
    await createEventStream(TEST_NATS_URL, names);
    await publisher.publish(`${names.prefix}.events.h.service`, "h-b-1", bytes("a"));
    await publisher.publish(`${names.prefix}.events.h.service`, "h-b-1", bytes("a"));
    await publisher.publish(`${names.prefix}.events.h.service`, "h-b-2", bytes("b"));
    assert.deepEqual((await readEventStream(TEST_NATS_URL, names)).map((event) => event.messageId), ["h-b-1", "h-b-2"]);
  });

  void it("rejects while no stream captures the subject, so the outbox keeps the event", async () => {
    await assert.rejects(publisher.publish(`${names.prefix}.events.h.service`, "h-b-1", bytes("a")));
  });
});

void describe("NatsEventPublisher and an unreachable server", () => {
  let server: PrivateNatsServer;
  before(async () => (server = await startPrivateNatsServer()));
  after(async () => server.dispose());

  void it("rejects while NATS is down, then publishes once it is back, without a new publisher", async () => {
    const names = randomTestBusNames();
    await createEventStream(server.url, names);
    await server.stop();
    const publisher = new NatsEventPublisher({ servers: server.url, publishTimeoutMs: 1_000 });
    await assert.rejects(publisher.publish(`${names.prefix}.events.h.service`, "h-b-1", bytes("a")));
    await server.start();
    await publisher.publish(`${names.prefix}.events.h.service`, "h-b-1", bytes("a"));
    assert.deepEqual((await readEventStream(server.url, names)).map((event) => event.messageId), ["h-b-1"]);
    await publisher.close();
  });
});

void describe("newBootId", () => {
  void it("is a valid, distinct boot id on every start", () => {
    const ids = new Set(Array.from({ length: 100 }, () => newBootId()));
    assert.equal(ids.size, 100);
    for (const id of ids) assert.doesNotThrow(() => new MessageIdSequence("h", id));
  });
});
