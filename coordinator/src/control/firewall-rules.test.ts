// Firewall rule use cases on the real PostgreSQL: a public-cloud account's rule is refused saying
// why and nothing is stored; a private account's change is pushed to the hosts it owns at once,
// and reaches their desired state; an account holds at most FIREWALL_MAX_RULES rules.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FIREWALL_MAX_RULES } from "@vigil/shared";
import { hostFirewallMessage } from "../link/desired-state-message.js";
import { createAccount } from "../store/repositories/accounts.js";
import { getHostDesiredState, getHostRevision } from "../store/repositories/desired-state.js";
import { createFirewallRule, type FirewallRuleInput, listFirewallRules } from "../store/repositories/firewall.js";
import { registerHost } from "../store/repositories/hosts.js";
import { sampleAccount } from "../store/testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../store/testing/test-stores.js";
import { ControlError } from "./control-errors.js";
import { createFirewallRuleFor, deleteFirewallRuleFor } from "./firewall-rules.js";

const postgres = testStoreBackends.find((backend) => backend.name === "postgres")!;
const rule: FirewallRuleInput = { protocol: "tcp", action: "accept", direction: "in", hosts: ["192.0.2.0/24"], ports: ["8300"], ipVersion: "ipv4", annotation: "office" };

function recordingNotifier(): { changed: string[][]; hostsChanged(hosts: Iterable<string | null>): void } {
  const changed: string[][] = [];
  return { changed, hostsChanged: (hosts) => changed.push([...hosts].filter((host): host is string => host !== null)) };
}

test("a public-cloud account's firewall rule is refused saying why, and nothing is stored", () =>
  withTestStore(postgres, async (store) => {
    await createAccount(store.db, sampleAccount("pub"));
    const notifier = recordingNotifier();
    await assert.rejects(createFirewallRuleFor(store, notifier, "pub", rule), (error: unknown) => {
      assert.ok(error instanceof ControlError);
      assert.equal(error.code, "failed-precondition");
      assert.match(error.message, /^account: pub is a public-cloud account: .* not filtered by design .* firewall rules apply to private-cloud accounts/);
      return true;
    });
    assert.deepEqual(await listFirewallRules(store.db, "pub"), []);
    assert.deepEqual(notifier.changed, []);
  }));

test("a private account's rule change is pushed to the hosts it owns and lands in their desired state", () =>
  withTestStore(postgres, async (store) => {
    await createAccount(store.db, sampleAccount("acme", { cloud: "private" }));
    await registerHost(store.db, { name: "acme-1", pool: "private", ownerAccount: "acme" });
    await registerHost(store.db, { name: "shared-1", pool: "public" });
    const before = await getHostRevision(store.db, "acme-1");
    const notifier = recordingNotifier();
    const created = await createFirewallRuleFor(store, notifier, "acme", rule);
    assert.deepEqual(notifier.changed, [["acme-1"]]);
    assert.ok((await getHostRevision(store.db, "acme-1"))! > before!);
    const firewall = hostFirewallMessage((await store.transaction((tx) => getHostDesiredState(tx, "acme-1"))).firewall);
    assert.deepEqual(firewall, {
      account: "acme",
      closedPortsFirst: 8300,
      closedPortsLast: 8499,
      rules: [{ id: created.id, account: "acme", protocol: "tcp", action: "accept", direction: "in", hosts: ["192.0.2.0/24"], ports: ["8300"], ipVersion: "ipv4", annotation: "" }],
    });
    assert.equal((await store.transaction((tx) => getHostDesiredState(tx, "shared-1"))).firewall, null, "a public host gets no firewall");
    await deleteFirewallRuleFor(store, notifier, "acme", created.id);
    assert.deepEqual(notifier.changed, [["acme-1"], ["acme-1"]]);
    assert.deepEqual(hostFirewallMessage((await store.transaction((tx) => getHostDesiredState(tx, "acme-1"))).firewall)?.rules, []);
  }));

test(`an account holds at most ${FIREWALL_MAX_RULES} rules; the next is refused and not stored`, () =>
  withTestStore(postgres, async (store) => {
    await createAccount(store.db, sampleAccount("acme", { cloud: "private" }));
    for (let index = 0; index < FIREWALL_MAX_RULES; index += 1) await createFirewallRule(store.db, "acme", rule);
    await assert.rejects(createFirewallRuleFor(store, recordingNotifier(), "acme", rule), (error: unknown) => error instanceof ControlError && error.code === "failed-precondition" && /already has 256 firewall rules/.test(error.message));
    assert.equal((await listFirewallRules(store.db, "acme")).length, FIREWALL_MAX_RULES);
  }));
