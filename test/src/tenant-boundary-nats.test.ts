// Issue 11, attack suite (NATS): a nats-server with per-host users (natsAuthorizationConfig) and a
// coordinator consuming from it. A host cannot publish as another host, and an event on its own
// subject whose body names another host, or a service placed elsewhere, is dropped and counted.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { NatsEventPublisher, type PrivateNatsServer, startPrivateNatsServer } from "@vigil/agent";
import { createAccount, createService, createTestDatabase, listEvents, NatsEventSource, openStore, registerHost, type RunningCoordinator, sampleAccount, sampleSpec, startCoordinator, type Store, type TestDatabase } from "@vigil/coordinator";
import { BusMessage, busNames, eventSubject, hostInboxPrefix, natsAuthorizationConfig } from "@vigil/shared";
import { waitFor } from "./support/wait-for.js";
import { recordingLogger } from "@vigil/shared/logging";

const names = busNames(`attack-${randomBytes(3).toString("hex")}`);
const password = () => randomBytes(12).toString("hex");
const users = { coordinator: { user: "coordinator", password: password() }, hosts: [{ host: "web-1", password: password() }, { host: "web-2", password: password() }] };

void describe("tenant boundary on NATS: events from a host's credentials", () => {
  let dir: string;
  let nats: PrivateNatsServer;
  let database: TestDatabase;
  let store: Store;
  let coordinator: RunningCoordinator;
  let web1: NatsEventPublisher;
  const log: string[] = [];
  let sequence = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vigil-nats-auth-"));
    const configFile = join(dir, "nats.conf");
    writeFileSync(configFile, natsAuthorizationConfig({ names, ...users }), { mode: 0o600 });
    nats = await startPrivateNatsServer({ configFile });
    database = await createTestDatabase();
    store = await openStore({ url: database.url });
    for (const host of ["web-1", "web-2"]) await registerHost(store.db, { name: host, pool: "public" });
    await createAccount(store.db, sampleAccount("alpha"));
    await createService(store.db, { account: "alpha", spec: sampleSpec("api"), host: "web-1" });
    await createService(store.db, { account: "alpha", spec: sampleSpec("db"), host: "web-2" });
    const events = new NatsEventSource({ servers: nats.url, names, credentials: { user: users.coordinator.user, pass: users.coordinator.password } });
    coordinator = await startCoordinator({ store, events, listen: "127.0.0.1:0", logger: recordingLogger(log).logger });
    web1 = new NatsEventPublisher({ servers: nats.url, publishTimeoutMs: 3_000, credentials: { user: "web-1", pass: users.hosts[0]!.password, inboxPrefix: hostInboxPrefix("web-1") } });
  });
  after(async () => {
    await web1.close();
    await coordinator.close();
    await store.close();
    await database.drop();
    await nats.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A service event as the agent encodes it, for `bodyHost`'s `service`. */
  function serviceEvent(bodyHost: string, service: string): { id: string; data: Uint8Array } {
    const id = `${bodyHost}-attack-${++sequence}`;
    const message = BusMessage.fromPartial({ body: { $case: "serviceEvent", value: { id, host: bodyHost, service: { account: "alpha", name: service }, kind: "started", state: "running", atMs: Date.now(), pid: 4242 } } });
    return { id, data: BusMessage.encode(message).finish() };
  }

  const recorded = async (id: string) => (await listEvents(store.db, { account: "alpha" })).some((event) => event.id === id);

  void it("records an event a host publishes for itself (the path the attacks use works)", async () => {
    const event = serviceEvent("web-1", "api");
    await web1.publish(eventSubject(names, "web-1", "service"), event.id, event.data);
    await waitFor("the event to be recorded", async () => ((await recorded(event.id)) ? true : undefined));
  });

  void it("refuses a connection without credentials", async () => {
    const anonymous = new NatsEventPublisher({ servers: nats.url, publishTimeoutMs: 2_000 });
    const event = serviceEvent("web-2", "db");
    await assert.rejects(anonymous.publish(eventSubject(names, "web-2", "service"), event.id, event.data), /Authorization|authorization/);
    await anonymous.close();
  });

  void it("refuses, in NATS, an event published on another host's subject with this host's credentials", async () => {
    const event = serviceEvent("web-2", "db");
    await assert.rejects(web1.publish(eventSubject(names, "web-2", "service"), event.id, event.data), /[Pp]ermission/);
    // A later event of its own still gets through, so the refused one would have been recorded by now.
    const own = serviceEvent("web-1", "api");
    await web1.publish(eventSubject(names, "web-1", "service"), own.id, own.data);
    await waitFor("web-1's own event to be recorded", async () => ((await recorded(own.id)) ? true : undefined));
    assert.equal(await recorded(event.id), false);
  });

  void it("drops and counts an event on a host's own subject whose body names another host", async () => {
    const before = coordinator.eventAuthority!.dropped;
    const event = serviceEvent("web-2", "db");
    await web1.publish(eventSubject(names, "web-1", "service"), event.id, event.data);
    await waitFor("the event to be dropped", () => (coordinator.eventAuthority!.dropped > before ? true : undefined));
    assert.equal(await recorded(event.id), false);
    assert.ok(log.some((line) => line.includes(`dropped event "${event.id}"`) && line.includes(`subject: must be ${eventSubject(names, "web-2", "service")}`)), log.join("\n"));
  });

  void it("drops and counts an event for a service placed on another host, though body and subject agree", async () => {
    const before = coordinator.eventAuthority!.dropped;
    const event = serviceEvent("web-1", "db");
    await web1.publish(eventSubject(names, "web-1", "service"), event.id, event.data);
    await waitFor("the event to be dropped", () => (coordinator.eventAuthority!.dropped > before ? true : undefined));
    assert.equal(await recorded(event.id), false);
    assert.ok(log.some((line) => line.includes(`dropped event "${event.id}"`) && line.includes("alpha/db is placed on web-2")), log.join("\n"));
  });
});
