// Table-driven tests of the first placement policy: co-location per account, least-loaded
// public host, private accounts on their own hosts, and clear refusals.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type PlacementHost, type PlacementRequest, placeAccountService } from "./place-account.js";

function host(name: string, overrides: Partial<PlacementHost> = {}): PlacementHost {
  return { name, pool: "public", ownerAccount: null, state: "up", cordoned: false, serviceCount: 0, capacity: 0, ...overrides };
}

const cases: { name: string; request: PlacementRequest; expected: string | { reason: string } }[] = [
  {
    name: "a new public account gets the public host with the fewest services",
    request: { account: "acme", cloud: "public", currentHosts: [], hosts: [host("a", { serviceCount: 3 }), host("b", { serviceCount: 1 }), host("c", { serviceCount: 2 })] },
    expected: "b",
  },
  {
    name: "a public host that cannot give accounts the namespaces its config asks for takes no new account",
    request: { account: "acme", cloud: "public", currentHosts: [], hosts: [host("a", { networkProblem: "account_address_prefix 2001:db8:a::/64 is set but ..." }), host("b", { serviceCount: 5 })] },
    expected: "b",
  },
  {
    name: "ties between equally loaded public hosts go to the first by name",
    request: { account: "acme", cloud: "public", currentHosts: [], hosts: [host("z"), host("m")] },
    expected: "m",
  },
  {
    name: "a public account stays on the host its services already run on, even if busier",
    request: { account: "acme", cloud: "public", currentHosts: ["a"], hosts: [host("a", { serviceCount: 9 }), host("b")] },
    expected: "a",
  },
  {
    name: "a public account stays on its host even when that host is cordoned",
    request: { account: "acme", cloud: "public", currentHosts: ["a"], hosts: [host("a", { cordoned: true }), host("b")] },
    expected: "a",
  },
  {
    name: "cordoned and down public hosts receive no new account",
    request: { account: "acme", cloud: "public", currentHosts: [], hosts: [host("a", { cordoned: true }), host("b", { state: "down" }), host("c", { serviceCount: 50 })] },
    expected: "c",
  },
  {
    name: "private hosts are never chosen for a public account",
    request: { account: "acme", cloud: "public", currentHosts: [], hosts: [host("own", { pool: "private", ownerAccount: "acme" })] },
    expected: { reason: "no-public-host" },
  },
  {
    name: "no public host up is a refusal",
    request: { account: "acme", cloud: "public", currentHosts: [], hosts: [host("a", { state: "down" })] },
    expected: { reason: "no-public-host" },
  },
  {
    name: "a private account goes to its own host, not the public pool",
    request: { account: "bank", cloud: "private", currentHosts: [], hosts: [host("pub"), host("bank-1", { pool: "private", ownerAccount: "bank", serviceCount: 4 })] },
    expected: "bank-1",
  },
  {
    name: "a private account never lands on another account's private host",
    request: { account: "bank", cloud: "private", currentHosts: [], hosts: [host("other-1", { pool: "private", ownerAccount: "other" })] },
    expected: { reason: "no-own-host" },
  },
  {
    name: "a private account's host that is down still takes the service",
    request: { account: "bank", cloud: "private", currentHosts: [], hosts: [host("bank-1", { pool: "private", ownerAccount: "bank", state: "down" })] },
    expected: "bank-1",
  },
  {
    name: "among its own hosts a private account gets the least loaded, preferring up ones",
    request: {
      account: "bank",
      cloud: "private",
      currentHosts: [],
      hosts: [host("bank-1", { pool: "private", ownerAccount: "bank", serviceCount: 2 }), host("bank-2", { pool: "private", ownerAccount: "bank", state: "down", serviceCount: 1 }), host("bank-3", { pool: "private", ownerAccount: "bank", serviceCount: 1 })],
    },
    expected: "bank-3",
  },
  {
    name: "a public host at its capacity receives no new account; the next one with room does",
    request: { account: "acme", cloud: "public", currentHosts: [], hosts: [host("a", { capacity: 2, serviceCount: 2 }), host("b", { capacity: 10, serviceCount: 5 })] },
    expected: "b",
  },
  {
    name: "a batch goes only where all of it fits",
    request: { account: "acme", cloud: "public", currentHosts: [], newServices: 4, hosts: [host("a", { capacity: 5, serviceCount: 2 }), host("b", { capacity: 10, serviceCount: 6 })] },
    expected: "b",
  },
  {
    name: "capacity 0 sets no limit",
    request: { account: "acme", cloud: "public", currentHosts: [], newServices: 500, hosts: [host("a", { serviceCount: 10_000 })] },
    expected: "a",
  },
  {
    name: "when every public host that accepts services is full, the pool is full",
    request: { account: "acme", cloud: "public", currentHosts: [], hosts: [host("a", { capacity: 1, serviceCount: 1 }), host("b", { cordoned: true })] },
    expected: { reason: "pool-full" },
  },
  {
    name: "an account's own full host refuses more of its services rather than splitting the account",
    request: { account: "acme", cloud: "public", currentHosts: ["a"], hosts: [host("a", { capacity: 3, serviceCount: 3 }), host("b")] },
    expected: { reason: "host-full" },
  },
  {
    name: "a private account whose hosts are all full is refused",
    request: { account: "bank", cloud: "private", currentHosts: [], hosts: [host("bank-1", { pool: "private", ownerAccount: "bank", capacity: 4, serviceCount: 4 })] },
    expected: { reason: "pool-full" },
  },
  {
    name: "a private account's host that cannot enforce its firewall takes no new service",
    request: { account: "bank", cloud: "private", currentHosts: [], hosts: [host("bank-1", { pool: "private", ownerAccount: "bank", networkProblem: "nftables is unusable" })] },
    expected: { reason: "no-own-host" },
  },
  {
    name: "a current host that no longer exists is ignored",
    request: { account: "acme", cloud: "public", currentHosts: ["gone"], hosts: [host("a")] },
    expected: "a",
  },
];

for (const { name, request, expected } of cases) {
  test(`placement: ${name}`, () => {
    const decision = placeAccountService(request);
    if (typeof expected === "string") {
      assert.deepEqual(decision.ok && decision.host, expected);
    } else {
      assert.equal(decision.ok, false);
      assert.equal(decision.reason, expected.reason);
      assert.ok(!decision.ok && decision.message.length > 0);
    }
  });
}
