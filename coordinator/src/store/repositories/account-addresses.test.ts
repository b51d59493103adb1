// Account addresses on public hosts, on PGlite and on the real PostgreSQL: given with an account's
// first service on a host whose agent reports a prefix, one per account, lowest free first, never
// twice under concurrency, released with the account's last service, renewed when the prefix changes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Db } from "../db.js";
import { sampleAccount, sampleSpec } from "../testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../testing/test-stores.js";
import { accountAddressesOnHost } from "./account-addresses.js";
import { createAccount } from "./accounts.js";
import { getHost, listPlacementCandidates, upsertHostOnHello } from "./hosts.js";
import { createService, deleteService, getService } from "./services.js";
import { setPlacement } from "./service-changes.js";

const now = new Date("2026-01-01T00:00:00Z");
const hello = (name: string, prefix: string, namespaces = true) => ({ name, agentVersion: "t", capacity: 0, now, network: { accountAddressPrefix: prefix, namespaces, detail: namespaces ? "" : "ip netns add: Operation not permitted" } });
const addresses = async (db: Db, host: string) => Object.fromEntries([...(await accountAddressesOnHost(db, host))].sort());

for (const backend of testStoreBackends) {
  describe(`account addresses on ${backend.name}`, () => {
    test("each account gets the lowest free address of the host's prefix with its first service, and keeps it", () =>
      withTestStore(backend, async ({ db }) => {
        await upsertHostOnHello(db, hello("svc1", "2001:db8:a::/64"));
        for (const name of ["alpha", "beta"]) await createAccount(db, sampleAccount(name));
        await createService(db, { account: "alpha", spec: sampleSpec("web"), host: "svc1" });
        await createService(db, { account: "beta", spec: sampleSpec("web"), host: "svc1" });
        await createService(db, { account: "alpha", spec: sampleSpec("worker"), host: "svc1" });
        assert.deepEqual(await addresses(db, "svc1"), { alpha: "2001:db8:a::1", beta: "2001:db8:a::2" });
        assert.equal((await getService(db, { account: "beta", name: "web" })).accountAddress, "2001:db8:a::2");
      }));

    test("the address is released when the account's last service leaves the host, and reused", () =>
      withTestStore(backend, async ({ db }) => {
        await upsertHostOnHello(db, hello("svc1", "2001:db8:a::/64"));
        await upsertHostOnHello(db, hello("svc2", ""));
        for (const name of ["alpha", "beta", "gamma"]) await createAccount(db, sampleAccount(name));
        await createService(db, { account: "alpha", spec: sampleSpec("web"), host: "svc1" });
        await createService(db, { account: "alpha", spec: sampleSpec("worker"), host: "svc1" });
        await createService(db, { account: "beta", spec: sampleSpec("web"), host: "svc1" });
        await deleteService(db, { account: "alpha", name: "web" });
        assert.equal((await addresses(db, "svc1")).alpha, "2001:db8:a::1", "one service is left");
        await setPlacement(db, { account: "alpha", name: "worker" }, "svc2");
        assert.deepEqual(await addresses(db, "svc1"), { beta: "2001:db8:a::2" });
        assert.deepEqual(await addresses(db, "svc2"), {}, "a host without a prefix gives none");
        assert.equal((await getService(db, { account: "alpha", name: "worker" })).accountAddress, "");
        await createService(db, { account: "gamma", spec: sampleSpec("web"), host: "svc1" });
        assert.equal((await addresses(db, "svc1")).gamma, "2001:db8:a::1");
      }));

    test("concurrent first services of many accounts on one host get distinct addresses", () =>
      withTestStore(backend, async ({ db }) => {
        await upsertHostOnHello(db, hello("svc1", "2001:db8:a::/64"));
        const names = Array.from({ length: 12 }, (_, index) => `acct${index}`);
        for (const name of names) await createAccount(db, sampleAccount(name));
        await Promise.all(names.map((account) => createService(db, { account, spec: sampleSpec("web"), host: "svc1" })));
        const given = Object.values(await addresses(db, "svc1"));
        assert.equal(given.length, names.length);
        assert.equal(new Set(given).size, names.length);
      }));

    test("a new prefix gives every account on the host a new address; a host that cannot use its prefix says so and gives none", () =>
      withTestStore(backend, async ({ db }) => {
        await upsertHostOnHello(db, hello("svc1", "2001:db8:a::/64"));
        await createAccount(db, sampleAccount("alpha"));
        await createService(db, { account: "alpha", spec: sampleSpec("web"), host: "svc1" });
        await upsertHostOnHello(db, hello("svc1", "2001:db8:b::/64"));
        assert.deepEqual(await addresses(db, "svc1"), { alpha: "2001:db8:b::1" });
        const refused = await upsertHostOnHello(db, hello("svc1", "2001:db8:b::/64", false));
        assert.match(refused.networkProblem, /^account_address_prefix 2001:db8:b::\/64 is set but this host cannot give accounts network namespaces: ip netns add: Operation not permitted$/);
        assert.deepEqual(await addresses(db, "svc1"), {});
        assert.equal((await getHost(db, "svc1")).accountAddressPrefix, "");
        const newcomer = await createAccount(db, sampleAccount("newcomer"));
        const candidates = await listPlacementCandidates(db, newcomer.id);
        assert.deepEqual(candidates.hosts.map((host) => host.name), [], "placement offers the host to no new account");
      }));
  });
}
