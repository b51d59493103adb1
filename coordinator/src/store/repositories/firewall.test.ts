// Tests of the firewall rule repository on PGlite and on the real PostgreSQL: rules belong to
// one account, and changing them gives the account's hosts a new desired-state revision.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NotFoundError } from "../errors.js";
import { sampleAccount } from "../testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../testing/test-stores.js";
import { createAccount } from "./accounts.js";
import { getHostRevision } from "./desired-state.js";
import { createFirewallRule, deleteFirewallRule, type FirewallRuleInput, listFirewallRules } from "./firewall.js";
import { registerHost } from "./hosts.js";

const openPostgres: FirewallRuleInput = { protocol: "tcp", action: "accept", direction: "in", hosts: ["10.0.0.0/8"], ports: ["8300", "8310-8320"], ipVersion: "ipv4", annotation: "app servers" };

for (const backend of testStoreBackends) {
  describe(`store on ${backend.name}`, () => {
    test("a firewall rule is stored with its addresses and ports and listed for its account only", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("acme", { cloud: "private" }));
        await createAccount(db, sampleAccount("other", { cloud: "private" }));
        const rule = await createFirewallRule(db, "acme", openPostgres);
        await createFirewallRule(db, "other", { ...openPostgres, ports: [] });
        assert.match(rule.id, /^[0-9a-f-]{36}$/);
        const listed = await listFirewallRules(db, "acme");
        assert.deepEqual(listed, [rule]);
        assert.deepEqual({ ...listed[0], id: "", createdAt: null }, { ...openPostgres, account: "acme", id: "", createdAt: null });
      }));

    test("a rule can be deleted only through its own account", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("acme"));
        await createAccount(db, sampleAccount("other"));
        const rule = await createFirewallRule(db, "acme", openPostgres);
        await assert.rejects(deleteFirewallRule(db, "other", rule.id), (error: unknown) => error instanceof NotFoundError && error.message === `id: firewall rule ${rule.id} does not exist in account other`);
        await assert.rejects(deleteFirewallRule(db, "acme", "not-a-uuid"), NotFoundError);
        await deleteFirewallRule(db, "acme", rule.id);
        assert.deepEqual(await listFirewallRules(db, "acme"), []);
        await assert.rejects(listFirewallRules(db, "nobody"), (error: unknown) => error instanceof NotFoundError && error.field === "account");
      }));

    test("changing an account's rules gives its own hosts a new revision", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("acme", { cloud: "private" }));
        await registerHost(db, { name: "acme1", pool: "private", ownerAccount: "acme" });
        await registerHost(db, { name: "svc1", pool: "public" });
        const [own, other] = [await getHostRevision(db, "acme1"), await getHostRevision(db, "svc1")];
        const rule = await createFirewallRule(db, "acme", openPostgres);
        const afterCreate = await getHostRevision(db, "acme1");
        assert.ok(afterCreate! > own!);
        await deleteFirewallRule(db, "acme", rule.id);
        assert.ok((await getHostRevision(db, "acme1"))! > afterCreate!);
        assert.equal(await getHostRevision(db, "svc1"), other);
      }));
  });
}
