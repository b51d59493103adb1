// Batched ingest on real PostgreSQL and NATS: the statements of a batch do not grow with its size,
// a host's events are recorded in the order it sent them while many hosts share batches, and a batch
// that did not commit is redelivered and then recorded once.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { type BusDelivery, type EventConsumer, ServiceEvent, toBusEnvelope } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { asc, eq } from "drizzle-orm";
import { AgentReportRecorder } from "../control/record-agent-reports.js";
import { type Store } from "../store/open-store.js";
import { createAccount } from "../store/repositories/accounts.js";
import { upsertHostOnHello } from "../store/repositories/hosts.js";
import { createService } from "../store/repositories/services.js";
import { getServiceStatus } from "../store/repositories/status.js";
import { events } from "../store/tables/events.js";
import { sampleAccount, sampleSpec } from "../store/testing/fixtures.js";
import { testStoreBackends } from "../store/testing/test-stores.js";
import { until } from "../testing/until.js";
import { NatsEventSource } from "./nats-event-consumer.js";
import { openTestBus, TEST_NATS_URL, type TestBus } from "./testing/nats-test-bus.js";

const postgres = testStoreBackends.find((backend) => backend.name === "postgres")!;
const t0 = Date.parse("2026-01-01T00:00:00Z");
const HOSTS = Array.from({ length: 20 }, (_, i) => `h${i}`);

let bus: TestBus;
let store: Store;
let statements: string[];
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  bus = await openTestBus();
  statements = [];
  store = await postgres.open({ logger: { logQuery: (query) => void statements.push(query) } });
  await createAccount(store.db, sampleAccount("acme"));
  for (const host of HOSTS) {
    await upsertHostOnHello(store.db, { name: host, agentVersion: "0.1.0", capacity: 1000, now: new Date(t0) });
    await createService(store.db, { account: "acme", spec: sampleSpec(`svc-${host}`), host });
  }
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await store.close();
  await bus.dispose();
});

/** The n-th event of `host`'s service: states alternate so the last one is known. */
function event(host: string, n: number): { subject: string; messageId: string; data: Uint8Array } {
  const value = ServiceEvent.fromPartial({ id: `${host}-e${n}`, host, service: { account: "acme", name: `svc-${host}` }, kind: n % 2 === 0 ? "started" : "exited", state: n % 2 === 0 ? "running" : "backoff", atMs: t0 + n, pid: 1000 + n, restarts: n, sequence: (t0 + n) * 1000 });
  return toBusEnvelope(bus.names, { body: { $case: "serviceEvent", value } });
}

const delivery = (e: ReturnType<typeof event>): BusDelivery => ({ ...e, redelivered: false, attempt: 1 });
const recorder = (target: Store = store) => new AgentReportRecorder({ store: target, notifier: { hostsChanged: () => undefined }, logger: recordingLogger().logger });

async function consume(handler: (delivery: BusDelivery) => Promise<void>): Promise<EventConsumer> {
  const consumer = await new NatsEventSource({ servers: TEST_NATS_URL, names: bus.names, redeliveryDelayMs: 100, logger: recordingLogger().logger, onHandlerError: () => undefined }).consume(handler);
  closers.push(() => consumer.close());
  return consumer;
}

async function publish(e: ReturnType<typeof event>): Promise<void> {
  await bus.client.publish(e.subject, e.data, { msgID: e.messageId });
}

const storedIds = async (host: string): Promise<string[]> => (await store.db.select({ id: events.id }).from(events).where(eq(events.host, host)).orderBy(asc(events.position))).map((row) => row.id);

void describe("batched ingest", () => {
  void it("records 1 event and 200 events from 20 hosts with the same number of statements", async () => {
    const counts: number[] = [];
    for (const size of [1, 200]) {
      const batch = Array.from({ length: size }, (_, i) => event(HOSTS[i % HOSTS.length]!, size + Math.floor(i / HOSTS.length)));
      const r = recorder();
      statements = [];
      await Promise.all(batch.map((e) => r.handle(delivery(e))));
      counts.push(statements.length);
    }
    assert.equal(counts[0], counts[1], `statements for 1 and for 200 events: ${counts.join(" and ")}`);
    assert.ok(counts[0]! <= 5, `a batch took ${counts[0]} statements: ${statements.join("; ")}`);
    const status = await getServiceStatus(store.db, { account: "acme", name: "svc-h0" });
    assert.deepEqual([status?.state, status?.mainPid, status?.restarts], ["backoff", null, 209], "the host's last event of the batch decides its status");
  });

  void it("records each host's events in the order it published them while 20 hosts share batches", async () => {
    const r = recorder();
    await consume(r.handle);
    const perHost = 25;
    // Interleaved as concurrent hosts publish: h0-e0, h1-e0, ..., h0-e1, ...
    for (let n = 0; n < perHost; n++) await Promise.all(HOSTS.map((host) => publish(event(host, n))));
    await until("every event stored", async () => ((await store.db.$count(events)) === HOSTS.length * perHost ? true : undefined), 30_000);
    for (const host of HOSTS) assert.deepEqual(await storedIds(host), Array.from({ length: perHost }, (_, n) => `${host}-e${n}`), `${host}'s events in the order it sent them`);
    const status = await getServiceStatus(store.db, { account: "acme", name: "svc-h7" });
    assert.deepEqual([status?.state, status?.mainPid], ["running", 1000 + perHost - 1]);
    const transactions = statements.filter((query) => /^begin/i.test(query)).length;
    assert.ok(transactions < (HOSTS.length * perHost) / 4, `${HOSTS.length * perHost} events took ${transactions} transactions: hosts did not share batches`);
  });

  void it("redelivers events whose batch did not commit and then records each once, with its status", async () => {
    let healthy = false;
    const crashing: Store = { ...store, transaction: (fn) => store.transaction(async (tx) => {
      const result = await fn(tx);
      if (!healthy) throw new Error("coordinator crashed before the commit");
      return result;
    }) };
    const r = recorder(crashing);
    const seen: BusDelivery[] = [];
    await consume(async (d) => {
      seen.push(d);
      if (d.redelivered) healthy = true;
      await r.handle(d);
    });
    await publish(event("h3", 1));
    await publish(event("h3", 2));
    await until("both events stored after redelivery", async () => ((await storedIds("h3")).length === 2 ? true : undefined), 30_000);
    assert.ok(seen.some((d) => d.redelivered), "the first deliveries were not acked");
    // A late duplicate (another redelivery) changes nothing.
    await r.handle({ ...delivery(event("h3", 1)), redelivered: true, attempt: 3 });
    // Redeliveries come back in no set order; the status's sequence keeps the later event's state.
    assert.deepEqual((await storedIds("h3")).sort(), ["h3-e1", "h3-e2"]);
    const status = await getServiceStatus(store.db, { account: "acme", name: "svc-h3" });
    assert.deepEqual([status?.state, status?.mainPid, status?.restarts], ["running", 1002, 2], "the later event's status stands after the duplicate of the earlier one");
  });

  void it("acks an undecodable message without writing anything", async () => {
    const r = recorder();
    statements = [];
    await r.handle({ subject: `${bus.names.prefix}.events.h1.service`, messageId: "junk", data: new Uint8Array([0xff, 0xff, 0xff]), redelivered: false, attempt: 1 });
    assert.deepEqual(statements, []);
  });
});
