// Issue 15: the down-window policy as a running coordinator applies it: liveness marks a silent host
// down, the singleton job reports it past the window and, the public pool's action being "drain",
// its account moves to the host that is up; the silent host's desired state ends empty.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InProcessBus } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { ScriptedAgents } from "../api/testing/scripted-agents.js";
import { ControlPlane } from "../control/control-plane.js";
import { type RunningCoordinator, startCoordinator } from "../runtime/start-coordinator.js";
import { type Store } from "../store/open-store.js";
import { createAccount } from "../store/repositories/accounts.js";
import { getHostDesiredState } from "../store/repositories/desired-state.js";
import { listEvents } from "../store/repositories/events.js";
import { getHost, markHostSeen, registerHost, setHostCordoned, upsertHostOnHello } from "../store/repositories/hosts.js";
import { listServices } from "../store/repositories/services.js";
import { sampleAccount } from "../store/testing/fixtures.js";
import { testStoreBackends } from "../store/testing/test-stores.js";
import { until } from "../testing/until.js";

describe("a host down past its window, in a running coordinator", () => {
  let store: Store;
  let coordinator: RunningCoordinator;
  let keepAlive: NodeJS.Timeout;

  before(async () => {
    store = await testStoreBackends.find((backend) => backend.name === "postgres")!.open();
    await createAccount(store.db, sampleAccount("alpha", { uid: 10_201, gid: 10_201 }));
    for (const host of ["silent", "alive"]) {
      await registerHost(store.db, { name: host, pool: "public" });
      await upsertHostOnHello(store.db, { name: host, agentVersion: "t", capacity: 0, now: new Date() });
    }
    // Placed before the coordinator starts, while "silent" is up and "alive" takes no new account.
    await setHostCordoned(store.db, "alive", true);
    const agents = new ScriptedAgents();
    await new ControlPlane({ store, agents, notifier: agents }).createService({ account: "alpha", spec: { name: "web", command: "exec sleep 100" } });
    await setHostCordoned(store.db, "alive", false);
    // "alive" keeps heartbeating; "silent" never again.
    keepAlive = setInterval(() => void markHostSeen(store.db, "alive", new Date()).catch(() => undefined), 200);
    coordinator = await startCoordinator({
      store,
      events: new InProcessBus(),
      listen: "127.0.0.1:0",
      hostTimeoutMs: 1_000,
      livenessCheckIntervalMs: 200,
      hostDownPolicy: { windowMs: 1_000, actions: { public: "drain", private: "report" } },
      logger: recordingLogger().logger,
    });
  });
  after(async () => {
    clearInterval(keepAlive);
    await coordinator?.close();
    await store?.close();
  });

  test("reports it once, drains its account to the host that is up, and leaves it nothing to run", async () => {
    assert.equal((await listServices(store.db, { account: "alpha" }))[0]?.host, "silent");
    await until("alpha/web on alive", async () => ((await listServices(store.db, { account: "alpha" }))[0]?.host === "alive" ? true : undefined));
    await until("the drain to end", async () => ((await getHost(store.db, "silent")).draining ? undefined : true));
    const kinds = (await listEvents(store.db, { host: "silent" })).map((event) => event.kind).reverse();
    assert.deepEqual(kinds.filter((kind) => kind !== "host-up"), ["host-down", "host-down-too-long", "drain-started", "account-moved", "drain-finished"]);
    const silent = await getHost(store.db, "silent");
    assert.deepEqual([silent.state, silent.cordoned, silent.serviceCount], ["down", true, 0]);
    assert.deepEqual((await getHostDesiredState(store.db, "silent")).services, []);
    assert.equal((await listEvents(store.db, { host: "silent", kind: "host-down-too-long" })).length, 1);
  });
});
