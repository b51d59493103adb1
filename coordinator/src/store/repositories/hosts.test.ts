// Tests of the host repository on PGlite and on the real PostgreSQL: registration, hello,
// heartbeats, marking silent hosts down, cordoning, and service counts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "@vigil/shared";
import { AlreadyExistsError, NotFoundError } from "../errors.js";
import { sampleAccount, sampleSpec } from "../testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../testing/test-stores.js";
import { createAccount } from "./accounts.js";
import { getHost, listHosts, markHostSeen, markHostsDown, registerHost, setHostCordoned, upsertHostOnHello } from "./hosts.js";
import { createService } from "./services.js";

const t0 = new Date("2026-01-01T00:00:00Z");
const seconds = (n: number) => new Date(t0.getTime() + n * 1000);

for (const backend of testStoreBackends) {
  describe(`store on ${backend.name}`, () => {
    test("an agent's first hello registers its host as a public, up host", () =>
      withTestStore(backend, async ({ db }) => {
        const accountCeiling = { memoryMaxBytes: 2 ** 30, memoryHighBytes: null, tasksMax: 4096, cpuWeight: null, cpuMaxCores: null };
        const host = await upsertHostOnHello(db, { name: "svc1", agentVersion: "0.1.0", capacity: 50, now: t0, limitsMode: "cgroup-v1", limitsDetail: "cgroup v1 hierarchies", accountCeiling });
        assert.deepEqual(
          { ...host, revision: 0 },
          { name: "svc1", pool: "public", ownerAccount: null, capacity: 50, state: "up", cordoned: false, lastSeen: t0, agentVersion: "0.1.0", limitsMode: "cgroup-v1", limitsDetail: "cgroup v1 hierarchies", accountCeiling: { memory_max: 2 ** 30, tasks_max: 4096 }, revision: 0, serviceCount: 0, accountAddressPrefix: "", networkProblem: "", draining: false, drainMessage: "" },
        );
      }));

    test("a later hello updates version and capacity but keeps the pool an operator set", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("acme", { cloud: "private" }));
        await registerHost(db, { name: "acme1", pool: "private", ownerAccount: "acme" });
        const host = await upsertHostOnHello(db, { name: "acme1", agentVersion: "0.2.0", capacity: 8, now: t0 });
        assert.deepEqual([host.pool, host.ownerAccount, host.agentVersion, host.capacity, host.state], ["private", "acme", "0.2.0", 8, "up"]);
      }));

    test("registering a host twice or with a wrong owner is refused with the field named", () =>
      withTestStore(backend, async ({ db }) => {
        await registerHost(db, { name: "svc1", pool: "public" });
        await assert.rejects(registerHost(db, { name: "svc1", pool: "public" }), (error: unknown) => error instanceof AlreadyExistsError && error.message === "name: host svc1 already exists");
        await assert.rejects(registerHost(db, { name: "p1", pool: "private" }), (error: unknown) => error instanceof InvalidInputError && error.message === "owner_account: is required for private hosts and refused for public ones");
        await assert.rejects(registerHost(db, { name: "p1", pool: "private", ownerAccount: "nobody" }), NotFoundError);
        assert.deepEqual((await listHosts(db)).map((h) => h.name), ["svc1"]);
      }));

    test("hosts not seen since the cutoff are marked down, and a heartbeat brings one back up", () =>
      withTestStore(backend, async ({ db }) => {
        await upsertHostOnHello(db, { name: "a", agentVersion: "1", capacity: 1, now: t0 });
        await upsertHostOnHello(db, { name: "b", agentVersion: "1", capacity: 1, now: t0 });
        await upsertHostOnHello(db, { name: "c", agentVersion: "1", capacity: 1, now: t0 });
        assert.equal(await markHostSeen(db, "b", seconds(25)), false, "b was up: it did not come back");
        assert.deepEqual(await markHostsDown(db, seconds(10)), ["a", "c"]);
        assert.deepEqual(await markHostsDown(db, seconds(10)), [], "hosts already down are not reported again");
        assert.deepEqual((await listHosts(db)).map((h) => [h.name, h.state]), [["a", "down"], ["b", "up"], ["c", "down"]]);
        assert.equal(await markHostSeen(db, "a", seconds(40)), true, "a was down: it came back");
        assert.equal((await getHost(db, "a")).state, "up");
        await assert.rejects(markHostSeen(db, "nope", t0), (error: unknown) => error instanceof NotFoundError && error.message === "host: host nope does not exist");
      }));

    test("a private host whose agent reports no usable nftables is recorded as unable to take services; a public one is not", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("bank", { cloud: "private" }));
        await registerHost(db, { name: "bank-1", pool: "private", ownerAccount: "bank" });
        const broken = await upsertHostOnHello(db, { name: "bank-1", agentVersion: "1", capacity: 0, now: t0, firewall: { nftables: false, detail: "nft: command not found" } });
        assert.equal(broken.networkProblem, "this private host cannot enforce its account's firewall: nftables is unusable (nft: command not found)");
        const fixed = await upsertHostOnHello(db, { name: "bank-1", agentVersion: "1", capacity: 0, now: t0, firewall: { nftables: true, detail: "" } });
        assert.equal(fixed.networkProblem, "");
        const pub = await upsertHostOnHello(db, { name: "pub-1", agentVersion: "1", capacity: 0, now: t0, firewall: { nftables: false, detail: "nft: command not found" } });
        assert.equal(pub.networkProblem, "", "a public host is unfiltered by design");
      }));

    test("cordoning and uncordoning a host", () =>
      withTestStore(backend, async ({ db }) => {
        await registerHost(db, { name: "svc1", pool: "public" });
        assert.equal((await setHostCordoned(db, "svc1", true)).cordoned, true);
        assert.equal((await getHost(db, "svc1")).cordoned, true);
        assert.equal((await setHostCordoned(db, "svc1", false)).cordoned, false);
        await assert.rejects(setHostCordoned(db, "nope", true), NotFoundError);
      }));

    test("hosts are listed with the number of services placed on them", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await registerHost(db, { name: "svc1", pool: "public", capacity: 10 });
        await registerHost(db, { name: "svc2", pool: "public", capacity: 10 });
        await createService(db, { account: "alice", spec: sampleSpec("web"), host: "svc1" });
        await createService(db, { account: "alice", spec: sampleSpec("api"), host: "svc1" });
        await createService(db, { account: "alice", spec: sampleSpec("cron") });
        assert.deepEqual((await listHosts(db)).map((h) => [h.name, h.serviceCount]), [["svc1", 2], ["svc2", 0]]);
      }));
  });
}
