// Issue 12: an agent whose Hello meets a PostgreSQL outage is told UNAVAILABLE (not left waiting
// on an open stream), redials with backoff, and receives its desired state once the database is back.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CoordinatorLink, type LinkSupervisor } from "@vigil/agent";
import {
  createAccount,
  createTestDatabase,
  createToken,
  openStore,
  PostgresOutageProxy,
  type RunningCoordinator,
  sampleAccount,
  startCoordinator,
  type Store,
  type TestDatabase,
  upsertHostOnHello,
} from "@vigil/coordinator";
import { type DesiredServiceSpec, InProcessBus } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { eventually } from "../testing/control-plane-harness.js";

const HOST = "outage-host";

/** Supervision that only records what it was asked to run. */
function recordingSupervisor(applied: (readonly DesiredServiceSpec[])[]): LinkSupervisor {
  const unused = () => Promise.reject(new Error("not used by this test"));
  return {
    apply: (desired: readonly DesiredServiceSpec[]) => (applied.push(desired), Promise.resolve({ errors: [] })),
    status: () => Promise.resolve([]),
    statusOf: unused,
    restart: unused,
    signal: unused,
    readLog: unused,
  } as unknown as LinkSupervisor;
}

describe("AgentLink: a Hello during a database outage", () => {
  let database: TestDatabase;
  let proxy: PostgresOutageProxy;
  let store: Store;
  let coordinator: RunningCoordinator;
  let bus: InProcessBus;
  let link: CoordinatorLink | undefined;
  const coordinatorLog: string[] = [];
  const agentLog: string[] = [];

  before(async () => {
    database = await createTestDatabase();
    proxy = await PostgresOutageProxy.start(database.url);
    store = await openStore({ url: proxy.url, connectTimeoutMs: 1_000 });
    bus = new InProcessBus();
    coordinator = await startCoordinator({ store, events: bus, listen: "127.0.0.1:0", logger: recordingLogger(coordinatorLog).logger });
    await createAccount(store.db, sampleAccount("alpha", { uid: 10_001, gid: 10_001 }));
    await upsertHostOnHello(store.db, { name: HOST, agentVersion: "test", capacity: 100, now: new Date() });
    await coordinator.control.createService({ account: "alpha", spec: { name: "api", command: "exec sleep 1000" } });
  });
  after(async () => {
    await link?.stop();
    await coordinator.close();
    await bus.close();
    await store.close();
    await proxy.close();
    await database.drop();
  });

  it("answers the Hello UNAVAILABLE while the database is down; the agent redials and gets its services once it is back", async () => {
    const token = (await createToken(store.db, { scope: "host", subject: HOST })).token;
    const applied: (readonly DesiredServiceSpec[])[] = [];
    proxy.cut();
    link = new CoordinatorLink({
      addresses: [coordinator.address],
      hostName: HOST,
      token,
      agentVersion: "outage-test",
      supervisor: recordingSupervisor(applied),
      reconnect: { baseMs: 100, maxMs: 500 },
      logger: recordingLogger(agentLog).logger,
    });
    link.start();
    await eventually("two refused Hellos", () => (agentLog.filter((line) => line.includes("link lost: database unavailable")).length >= 2 ? true : undefined));
    assert.equal(link.state === "connected", false);
    assert.ok(coordinatorLog.some((line) => line.includes(`Hello failed host=${HOST}`)), coordinatorLog.join("\n"));
    proxy.restore();
    const services = await eventually("the desired state after the outage", () => applied.find((desired) => desired.length > 0), 30_000);
    assert.deepEqual(services.map((service) => `${service.account.name}/${service.spec.name}`), ["alpha/api"]);
    assert.equal(link.state, "connected");
  });
});
