// The enforcer against a fake nftables: it leaves the table alone until told, applies a new
// firewall without reading first, retries after nft fails, removes the table when the host is
// not filtered, and keeps the table when a firewall does not render.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type DesiredFirewall, FirewallEnforcer } from "./firewall-enforcer.js";
import { type Nftables } from "./nftables.js";
import { recordingLogger } from "@vigil/shared/logging";

class FakeNftables implements Nftables {
  readonly calls: string[] = [];
  failApplies = 0;
  /** Present tables list as empty (so every readback differs; these tests are not about readback). */
  table: "none" | "present" = "none";

  apply(ruleset: string): Promise<void> {
    this.calls.push(ruleset.includes("chain input") ? "apply" : "delete");
    if (this.failApplies > 0) {
      this.failApplies -= 1;
      return Promise.reject(new Error("nft -f -: Error: Could not process rule: Operation not permitted"));
    }
    this.table = ruleset.includes("chain input") ? "present" : "none";
    return Promise.resolve();
  }
  check(): Promise<void> {
    return Promise.resolve();
  }
  listTable(): Promise<unknown> {
    this.calls.push("list");
    return Promise.resolve(this.table === "none" ? null : { nftables: [] });
  }
  version(): Promise<string> {
    return Promise.resolve("1.0.6");
  }
}

const firewall = (revision: number, hosts: string[] = []): DesiredFirewall => ({
  account: "acme",
  revision,
  defaults: { closedPorts: { first: 8300, last: 8499 } },
  rules: hosts.length === 0 ? [] : [{ protocol: "tcp", action: "accept", direction: "in", hosts, ports: ["8300"], ipVersion: "ipv4" }],
});

function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => condition() && (clearInterval(timer), resolve()), 5);
  });
}

test("until a desired firewall arrives, the table is neither read nor written", async () => {
  const nft = new FakeNftables();
  const enforcer = new FirewallEnforcer({ nft, logger: recordingLogger().logger, driftCheckMs: 10 });
  enforcer.start();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await enforcer.stop();
  assert.deepEqual(nft.calls, []);
});

test("a failed nft run is logged and tried again at the next check", async () => {
  const nft = new FakeNftables();
  nft.failApplies = 1;
  nft.table = "present";
  const lines: string[] = [];
  const enforcer = new FirewallEnforcer({ nft, logger: recordingLogger(lines).logger, driftCheckMs: 20 });
  enforcer.start();
  enforcer.setDesired(firewall(1));
  await until(() => nft.calls.filter((call) => call === "apply").length >= 2);
  await enforcer.stop();
  assert.match(lines[0] ?? "", /^firewall: nft -f -: .*Operation not permitted \(tried again in 20 ms\)$/);
});

test("a host without a firewall gets Vigil's table removed, and only if it exists", async () => {
  const nft = new FakeNftables();
  nft.table = "present";
  const lines: string[] = [];
  const enforcer = new FirewallEnforcer({ nft, logger: recordingLogger(lines).logger, driftCheckMs: 1_000 });
  enforcer.setDesired(null);
  await enforcer.idle();
  enforcer.setDesired(null);
  await enforcer.idle();
  assert.deepEqual(nft.calls, ["list", "delete", "list"]);
  assert.match(lines.join("\n"), /this host is not filtered .* table inet vigil removed/);
});

test("an unfiltered host's table is checked when it is told so, not on every drift tick", async () => {
  const nft = new FakeNftables();
  const enforcer = new FirewallEnforcer({ nft, logger: recordingLogger().logger, driftCheckMs: 10 });
  enforcer.start();
  enforcer.setDesired(null);
  await enforcer.idle();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(nft.calls, ["list"], "ten drift ticks ran no nft");
  enforcer.setDesired(firewall(2, ["10.0.0.0/8"]));
  // A filtered host is read, applied, and then read again on every tick.
  await until(() => nft.calls.lastIndexOf("list") > nft.calls.indexOf("apply") + 2 && nft.calls.includes("apply"));
  await enforcer.stop();
});

test("a firewall that does not render is refused and the table keeps the previous one", async () => {
  const nft = new FakeNftables();
  const enforcer = new FirewallEnforcer({ nft, logger: recordingLogger().logger, driftCheckMs: 1_000 });
  enforcer.setDesired(firewall(1, ["192.0.2.1"]));
  await enforcer.idle();
  const calls = nft.calls.length;
  assert.match(enforcer.setDesired(firewall(2, ["192.0.2.1; flush ruleset"])) ?? "", /revision 2 refused, the table keeps what it holds: rules\[0\]\.hosts\[0\]/);
  await enforcer.idle();
  assert.equal(nft.calls.length, calls, "nft was not run");
});
