// Issue 15: `host drain` moves a host's accounts one at a time (stopped on the old host, acknowledged,
// only then placed on the new one), keeps their ports, ends with the host empty and cordoned, and
// refuses what cannot fit; a host down past its window is reported once and drained if its pool says so.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { recordingLogger } from "@vigil/shared/logging";
import { ScriptedAgents } from "../api/testing/scripted-agents.js";
import { ControlPlane } from "../control/control-plane.js";
import { type Store } from "../store/open-store.js";
import { createAccount } from "../store/repositories/accounts.js";
import { getHostDesiredState } from "../store/repositories/desired-state.js";
import { listEvents } from "../store/repositories/events.js";
import { getHost, listHosts, registerHost, setHostCordoned, upsertHostOnHello } from "../store/repositories/hosts.js";
import { listServices } from "../store/repositories/services.js";
import { applyStatus } from "../store/repositories/status.js";
import { sampleAccount } from "../store/testing/fixtures.js";
import { testStoreBackends } from "../store/testing/test-stores.js";
import { applyHostDownPolicy } from "./host-down-policy.js";
import { HostDrainer } from "./host-drainer.js";
import { requestHostDrain } from "./request-drain.js";

const postgres = testStoreBackends.find((backend) => backend.name === "postgres")!;

describe("host drain", () => {
  let store: Store;
  let control: ControlPlane;
  const agents = new ScriptedAgents();
  /** What each host's fake agent acknowledged; the test decides when. */
  const acked = new Map<string, number>();
  let drainer: HostDrainer;

  async function up(name: string, pool: "public" | "private" = "public", owner?: string): Promise<void> {
    await registerHost(store.db, { name, pool, ...(owner && { ownerAccount: owner }) });
    await upsertHostOnHello(store.db, { name, agentVersion: "t", capacity: 0, now: new Date() });
  }
  /** The fake agent of `host` applies its latest desired state. */
  async function ack(host: string): Promise<void> {
    acked.set(host, (await getHost(store.db, host)).revision);
  }
  async function runningOn(host: string): Promise<string[]> {
    const state = await getHostDesiredState(store.db, host);
    return state.services.filter((entry) => entry.service.desiredState === "running").map((entry) => `${entry.account.name}/${entry.service.spec.name}`).sort();
  }
  async function placed(host: string): Promise<string[]> {
    return (await listServices(store.db, { host })).map((service) => `${service.account}/${service.spec.name}`).sort();
  }

  before(async () => {
    store = await postgres.open();
    control = new ControlPlane({ store, agents, notifier: agents });
    drainer = new HostDrainer({ store, notifier: agents, ackedRevision: (host) => acked.get(host), isLeader: () => true, logger: recordingLogger().logger });
    let uid = 10_100;
    for (const name of ["alpha", "beta", "gamma"]) await createAccount(store.db, sampleAccount(name, { uid, gid: uid++ }));
    for (const name of ["acme", "solo"]) await createAccount(store.db, sampleAccount(name, { cloud: "private", uid, gid: uid++ }));
  });
  after(() => store.close());

  test("moves each account only after the old host stopped it, keeps its ports, and leaves the host empty and cordoned", async () => {
    await up("pub-a");
    for (const account of ["alpha", "beta"]) for (const name of ["web", "db"]) await control.createService({ account, spec: { name, command: "exec sleep 100" } });
    const portsBefore = new Map((await listServices(store.db, { host: "pub-a" })).map((service) => [`${service.account}/${service.spec.name}`, service.ports]));
    await up("pub-b");
    await up("pub-c");

    await requestHostDrain(store, { host: "pub-a", why: "test", allOrNothing: true });
    assert.equal((await getHost(store.db, "pub-a")).cordoned, true);
    await drainer.round();
    // alpha first: pub-a is told to stop it, and nobody else runs it yet.
    assert.deepEqual(await runningOn("pub-a"), ["beta/db", "beta/web"]);
    assert.deepEqual(await placed("pub-a"), ["alpha/db", "alpha/web", "beta/db", "beta/web"]);
    for (const host of ["pub-b", "pub-c"]) assert.deepEqual(await placed(host), []);
    await drainer.round();
    assert.deepEqual(await placed("pub-a"), ["alpha/db", "alpha/web", "beta/db", "beta/web"], "no move before the old host acknowledged the stop");

    await ack("pub-a");
    await drainer.round();
    const alphaHost = (await listServices(store.db, { account: "alpha" }))[0]!.host!;
    assert.ok(["pub-b", "pub-c"].includes(alphaHost));
    assert.deepEqual(await runningOn(alphaHost), ["alpha/db", "alpha/web"]);
    assert.deepEqual(await runningOn("pub-a"), [], "beta is stopped on pub-a now; alpha left it");
    await ack("pub-a");
    await drainer.round();

    const after = await listServices(store.db, {});
    const betaHost = after.find((service) => service.account === "beta")!.host!;
    assert.notEqual(betaHost, alphaHost, "the two accounts are spread over the two hosts left");
    for (const service of after.filter((s) => s.account === "alpha" || s.account === "beta")) assert.deepEqual(service.ports, portsBefore.get(`${service.account}/${service.spec.name}`), "ports follow the account");
    const host = await getHost(store.db, "pub-a");
    assert.deepEqual([host.serviceCount, host.cordoned, host.draining], [0, true, false]);
    assert.match(host.drainMessage, /^drained/);
    const kinds = (await listEvents(store.db, { host: "pub-a" })).map((event) => `${event.kind}${event.account ? ` ${event.account}` : ""}`).reverse();
    assert.deepEqual(kinds.filter((kind) => kind !== "host-up"), ["drain-started", "account-moved alpha", "account-moved beta", "drain-finished"]);
  });

  test("without an acknowledgement (another replica holds the link), only a stop reported since the move began lets the account go", async () => {
    await up("pub-d");
    await setHostCordoned(store.db, "pub-d", true);
    await createAccount(store.db, sampleAccount("delta", { uid: 10_150, gid: 10_150 }));
    await setHostCordoned(store.db, "pub-b", true);
    await setHostCordoned(store.db, "pub-c", true);
    await setHostCordoned(store.db, "pub-d", false);
    await control.createService({ account: "delta", spec: { name: "web", command: "exec sleep 100" } });
    await setHostCordoned(store.db, "pub-b", false);
    const [service] = await listServices(store.db, { account: "delta" });
    assert.equal(service?.host, "pub-d");
    // A "stopped" from before the move (a start not reported yet) proves nothing.
    await applyStatus(store.db, service!.id, { host: "pub-d", state: "stopped", at: new Date(Date.now() - 60_000), sequence: 1 });
    await requestHostDrain(store, { host: "pub-d", why: "test", allOrNothing: true });
    await drainer.round();
    await drainer.round();
    assert.deepEqual(await placed("pub-d"), ["delta/web"]);
    await applyStatus(store.db, service!.id, { host: "pub-d", state: "stopped", at: new Date(Date.now() + 1_000), sequence: 2 });
    await drainer.round();
    assert.ok((await placed("pub-b")).includes("delta/web"), "placed on pub-b once it reported the stop");
    assert.deepEqual(await placed("pub-d"), []);
    await setHostCordoned(store.db, "pub-c", false);
  });

  test("refuses a drain when an account fits nowhere, naming it, and changes nothing", async () => {
    await up("tight-a");
    for (const host of ["pub-b", "pub-c"]) await setHostCordoned(store.db, host, true);
    await control.createService({ account: "gamma", spec: { name: "web", command: "exec sleep 100" } });
    await assert.rejects(requestHostDrain(store, { host: "tight-a", why: "test", allOrNothing: true }), /host tight-a cannot be drained, nothing was changed: gamma: no public-pool host is up/);
    const host = await getHost(store.db, "tight-a");
    assert.deepEqual([host.cordoned, host.draining, host.serviceCount], [false, false, 1]);
  });

  test("a private host drains only to another host of its owner; without one it is refused", async () => {
    await up("acme-1", "private", "acme");
    await control.createService({ account: "acme", spec: { name: "db", command: "exec sleep 100" } });
    await assert.rejects(requestHostDrain(store, { host: "acme-1", why: "test", allOrNothing: true }), /acme: private-cloud account acme has no host of its own that accepts services/);
    await up("acme-2", "private", "acme");
    await requestHostDrain(store, { host: "acme-1", why: "test", allOrNothing: true });
    await drainer.round();
    await ack("acme-1");
    await drainer.round();
    assert.deepEqual(await placed("acme-2"), ["acme/db"]);
    assert.deepEqual(await placed("acme-1"), []);
  });

  test("when the target goes down mid-move, the account goes to another host of its pool, never to two at once", async () => {
    await createAccount(store.db, sampleAccount("epsilon", { uid: 10_160, gid: 10_160 }));
    for (const name of ["mv-from", "mv-to-1", "mv-to-2"]) await up(name);
    const others = (await listHosts(store.db)).filter((host) => host.pool === "public" && !host.name.startsWith("mv-") && !host.cordoned).map((host) => host.name);
    for (const host of [...others, "mv-to-1", "mv-to-2"]) await setHostCordoned(store.db, host, true);
    await control.createService({ account: "epsilon", spec: { name: "web", command: "exec sleep 100" } });
    for (const host of ["mv-to-1", "mv-to-2"]) await setHostCordoned(store.db, host, false);
    await setHostCordoned(store.db, "mv-to-2", true);
    await requestHostDrain(store, { host: "mv-from", why: "test", allOrNothing: true });
    await drainer.round();
    assert.deepEqual(await runningOn("mv-from"), [], "stopped on the old host first");
    // The chosen target (mv-to-1) goes down before the old host confirms; mv-to-2 opens meanwhile.
    await store.db.execute("update hosts set state = 'down' where name = 'mv-to-1'");
    await setHostCordoned(store.db, "mv-to-2", false);
    await ack("mv-from");
    await drainer.round();
    assert.deepEqual([await placed("mv-to-1"), await placed("mv-to-2"), await placed("mv-from")], [[], ["epsilon/web"], []]);
    const [moved] = await listEvents(store.db, { host: "mv-from", kind: "account-moved" });
    assert.equal(moved?.payload.message, "moved epsilon (1 service(s)) from mv-from to mv-to-2, as mv-to-1 is down");
    for (const host of others) await setHostCordoned(store.db, host, false);
  });

  test("when no host of the pool fits any more, the move is given up with an event and the old host runs the account again", async () => {
    await createAccount(store.db, sampleAccount("zeta", { cloud: "private", uid: 10_170, gid: 10_170 }));
    await up("zeta-1", "private", "zeta");
    await control.createService({ account: "zeta", spec: { name: "db", command: "exec sleep 100" } });
    await up("zeta-2", "private", "zeta");
    await requestHostDrain(store, { host: "zeta-1", why: "test", allOrNothing: true });
    await drainer.round();
    assert.deepEqual(await runningOn("zeta-1"), []);
    await setHostCordoned(store.db, "zeta-2", true);
    await ack("zeta-1");
    await drainer.round();
    assert.deepEqual([await placed("zeta-2"), await runningOn("zeta-1")], [[], ["zeta/db"]], "on the old host again, and running there");
    const [failed] = await listEvents(store.db, { host: "zeta-1", kind: "account-move-failed" });
    assert.equal(failed?.payload.message, "could not move zeta (1 service(s)) off zeta-1: zeta-2 is cordoned, and private-cloud account zeta has no host of its own that accepts services; they run on zeta-1 again");
    await drainer.round();
    const host = await getHost(store.db, "zeta-1");
    assert.deepEqual([host.draining, host.serviceCount], [false, 1]);
    assert.match(host.drainMessage, /^drain ended with accounts that fit nowhere, left here: zeta: /);
  });

  test("a host down past the window is reported once; where its pool's policy drains, its accounts move without waiting for it", async () => {
    await up("solo-1", "private", "solo");
    await up("solo-2", "private", "solo");
    await setHostCordoned(store.db, "solo-2", true);
    await control.createService({ account: "solo", spec: { name: "api", command: "exec sleep 100" } });
    await setHostCordoned(store.db, "solo-2", false);
    await store.db.execute("update hosts set state = 'down', last_seen = now() - interval '2 minutes' where name in ('solo-1', 'tight-a')");
    const policy = { windowMs: 60_000, actions: { public: "report", private: "drain" } } as const;
    const logger = recordingLogger().logger;
    assert.deepEqual(await applyHostDownPolicy({ store, policy, logger }), ["solo-1", "tight-a"]);
    assert.deepEqual(await applyHostDownPolicy({ store, policy, logger }), [], "one report per outage");
    assert.equal((await getHost(store.db, "tight-a")).draining, false, "the public pool only reports");
    assert.match((await listEvents(store.db, { host: "tight-a", kind: "host-down-too-long" }))[0]!.payload.message as string, /down for 120 s .*public pool policy: report/);
    assert.equal((await getHost(store.db, "solo-1")).draining, true);
    await drainer.round();
    await drainer.round();
    assert.deepEqual(await placed("solo-2"), ["solo/api"], "moved although solo-1 never acknowledged: it is down");
    assert.deepEqual((await getHostDesiredState(store.db, "solo-1")).services, [], "solo-1 runs nothing if it returns");
  });
});
