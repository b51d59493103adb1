// Real traffic through Vigil's nftables table, in two network namespaces this file creates: a
// "host" (the enforcer runs nft inside it) and an "outside" joined by veth. Measures how long a rule
// change takes to be enforced, and how long a hand-flushed table takes to be repaired.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test, type TestContext } from "node:test";
import { type FirewallRuleFields } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { type DesiredFirewall, FirewallEnforcer } from "./firewall-enforcer.js";
import { NftCli } from "./nft-cli.js";
import { type Nftables } from "./nftables.js";
import { createFirewallNetwork, type FirewallNetwork } from "./testing/firewall-netns.js";
import { NetnsProbe } from "./testing/netns-probe.js";

const SERVICE_PORT = 8300;
const OPEN_PORT = 9000;
let network: FirewallNetwork;
let inHost: NetnsProbe;
let outside: NetnsProbe;
let enforcer: FirewallEnforcer;
const applied: string[] = [];
const logLines: string[] = [];
let revision = 0;

/** Records every transaction handed to nft, so a test can tell that nothing reached it. */
function recording(nft: Nftables): Nftables {
  return {
    apply: (ruleset) => (applied.push(ruleset), nft.apply(ruleset)),
    check: (ruleset) => nft.check(ruleset),
    listTable: () => nft.listTable(),
    version: () => nft.version(),
  };
}

function desired(rules: Partial<FirewallRuleFields>[]): DesiredFirewall {
  revision += 1;
  return {
    account: "alpha",
    revision,
    defaults: { closedPorts: { first: 8300, last: 8499 } },
    rules: rules.map((rule) => ({ protocol: "tcp", action: "accept", direction: "in", hosts: [], ports: [String(SERVICE_PORT)], ipVersion: "ipv4", ...rule })),
  };
}

/** Polls until `probe` yields `want`; returns the ms from `since` to the start of the attempt that did. */
async function until(what: string, probe: () => Promise<string>, want: string, since: number, timeoutMs = 15_000): Promise<number> {
  let last = "";
  while (performance.now() - since < timeoutMs) {
    const attempt = performance.now();
    last = await probe();
    if (last === want) return Math.max(0, attempt - since);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${what}: still "${last}" after ${timeoutMs} ms`);
}

/** Polling attempts wait less than single checks: a late answer only delays the poll, it cannot fail the test. */
const POLL_TIMEOUT_MS = 150;
const fromOutside = (source: string, target = network.hostV4, port = SERVICE_PORT, timeoutMs?: number) => outside.connect(target, port, source, timeoutMs);
const fromHost = (target: string, port = OPEN_PORT, timeoutMs?: number) => inHost.connect(target, port, target.includes(":") ? network.hostV6 : network.hostV4, timeoutMs);
const polling = { fromOutside: (source: string, target = network.hostV4) => fromOutside(source, target, SERVICE_PORT, POLL_TIMEOUT_MS), fromHost: (target: string) => fromHost(target, OPEN_PORT, POLL_TIMEOUT_MS) };

async function enforce(t: TestContext, what: string, firewall: DesiredFirewall, probe: () => Promise<string>, want: string, confirm: () => Promise<string>): Promise<void> {
  const since = performance.now();
  assert.equal(enforcer.setDesired(firewall), null);
  const took = await until(what, probe, want, since);
  assert.equal(await confirm(), want, `${what}: confirmed with the longer timeout`);
  t.diagnostic(`${what}: enforced ${Math.round(took)} ms after the rule change`);
  assert.ok(took < 1_000, `${what} took ${Math.round(took)} ms`);
}

before(async () => {
  network = createFirewallNetwork();
  inHost = new NetnsProbe(network.host);
  outside = new NetnsProbe(network.outside);
  await inHost.listen(SERVICE_PORT);
  await inHost.listen(OPEN_PORT);
  await outside.listen(OPEN_PORT);
  enforcer = new FirewallEnforcer({ nft: recording(new NftCli({ netns: network.host })), logger: recordingLogger(logLines).logger });
  enforcer.start();
});

after(async () => {
  await enforcer?.stop();
  inHost?.stop();
  outside?.stop();
  network?.remove();
});

test("without rules, inbound 8300 is dropped while other ports and loopback stay open", async (t) => {
  await enforce(t, "8300 closed from outside", desired([]), () => polling.fromOutside(network.outsideV4[0]), "timeout", () => fromOutside(network.outsideV4[0]));
  assert.equal(await fromOutside(network.outsideV4[0], network.hostV4, OPEN_PORT), "connected");
  assert.equal(await fromOutside(network.outsideV6[0], network.hostV6), "timeout");
  assert.equal(await inHost.connect("127.0.0.1", SERVICE_PORT, "127.0.0.1"), "connected");
  assert.equal(await inHost.connect("::1", SERVICE_PORT, "::1"), "connected");
  assert.equal(await inHost.connect(network.hostV4, SERVICE_PORT, network.hostV4), "connected", "the host's own address goes over loopback");
});

test("an accept rule for a source CIDR opens 8300 to it alone, and deleting it closes 8300 again", async (t) => {
  await enforce(t, "ipv4 accept rule", desired([{ hosts: [`${network.outsideV4[0]}/32`] }]), () => polling.fromOutside(network.outsideV4[0]), "connected", () => fromOutside(network.outsideV4[0]));
  assert.equal(await fromOutside(network.outsideV4[1]), "timeout", "another source is still dropped");
  assert.equal(await fromOutside(network.outsideV6[0], network.hostV6), "timeout", "an ipv4 rule opens nothing over IPv6");
  await enforce(t, "ipv4 rule deleted", desired([]), () => polling.fromOutside(network.outsideV4[0]), "timeout", () => fromOutside(network.outsideV4[0]));
});

test("an ipv6 rule opens 8300 over IPv6 to its source only", async (t) => {
  await enforce(t, "ipv6 accept rule", desired([{ hosts: [`${network.outsideV6[0]}/128`], ipVersion: "ipv6" }]), () => polling.fromOutside(network.outsideV6[0], network.hostV6), "connected", () => fromOutside(network.outsideV6[0], network.hostV6));
  assert.equal(await fromOutside(network.outsideV6[1], network.hostV6), "timeout");
  assert.equal(await fromOutside(network.outsideV4[0]), "timeout", "an ipv6 rule opens nothing over IPv4");
  await enforce(t, "ipv6 rule deleted", desired([]), () => polling.fromOutside(network.outsideV6[0], network.hostV6), "timeout", () => fromOutside(network.outsideV6[0], network.hostV6));
});

test("a rule for both versions opens 8300 over IPv4 and IPv6 to its sources", async (t) => {
  await enforce(t, "both-versions rule", desired([{ hosts: [network.outsideV4[0], network.outsideV6[0]], ipVersion: "both" }]), () => polling.fromOutside(network.outsideV6[0], network.hostV6), "connected", () => fromOutside(network.outsideV6[0], network.hostV6));
  assert.equal(await fromOutside(network.outsideV4[0]), "connected");
  assert.equal(await fromOutside(network.outsideV4[1]), "timeout");
  assert.equal(await fromOutside(network.outsideV6[1], network.hostV6), "timeout");
});

test("an outbound drop rule blocks egress to its destination only, over IPv4 and IPv6", async (t) => {
  assert.equal(await fromHost(network.outsideV4[0]), "connected");
  const rule = { direction: "out", action: "drop", hosts: [network.outsideV4[0], network.outsideV6[0]], ports: [String(OPEN_PORT)], ipVersion: "both" };
  await enforce(t, "outbound drop rule", desired([rule]), () => polling.fromHost(network.outsideV4[0]), "timeout", () => fromHost(network.outsideV4[0]));
  assert.equal(await fromHost(network.outsideV6[0]), "timeout");
  assert.equal(await fromHost(network.outsideV4[1]), "connected", "another destination is reachable");
  assert.equal(await fromHost(network.outsideV6[1]), "connected");
});

test("a table flushed by hand is repaired within 5 s, with a log line saying so", async (t) => {
  await enforce(t, "accept rule before the flush", desired([{ hosts: [network.outsideV4[0]] }]), () => polling.fromOutside(network.outsideV4[0]), "connected", () => fromOutside(network.outsideV4[0]));
  // The apply may still be reading its rules back (a loaded machine): it must not be the repair.
  await enforcer.idle();
  logLines.length = 0;
  execFileSync("ip", ["netns", "exec", network.host, "nft", "flush", "table", "inet", "vigil"]);
  const flushed = performance.now();
  assert.equal(await fromOutside(network.outsideV4[1]), "connected", "the flushed table lets everything in");
  const repaired = await until("flushed table repaired", () => polling.fromOutside(network.outsideV4[1]), "timeout", flushed);
  t.diagnostic(`flushed table repaired ${Math.round(repaired)} ms after the flush`);
  assert.ok(repaired < 5_000, `repair took ${Math.round(repaired)} ms`);
  assert.equal(await fromOutside(network.outsideV4[0]), "connected", "the account's rule is back too");
  assert.ok(
    logLines.some((line) => /had drifted \(chain input has 0 rules, not 5\); applied 1 rule\(s\) of account alpha/.test(line)),
    logLines.join("\n"),
  );
});

test("hostile rule input is refused as a whole: nothing reaches nft and the table keeps its rules", async () => {
  await enforcer.idle();
  const before = applied.length;
  for (const hosts of [["1.2.3.4; flush ruleset"], ["1.2.3.4\nflush ruleset"], ['1.2.3.4" } ; flush ruleset ; { "']]) {
    const refusal = enforcer.setDesired(desired([{ hosts }]));
    assert.match(refusal ?? "", /rules\[0\]\.hosts\[0\]: must be an IPv4 or IPv6 address or CIDR/);
  }
  assert.equal(enforcer.setDesired(desired([{ ports: ["8300 accept; flush ruleset"] }]))?.includes("rules[0].ports[0]"), true);
  await enforcer.idle();
  assert.equal(applied.length, before, "no transaction was handed to nft");
  assert.equal(await fromOutside(network.outsideV4[0]), "connected", "the previous rules still hold");
  assert.equal(await fromOutside(network.outsideV4[1]), "timeout");
});

test("a restarted enforcer keeps the table until told, and re-applies nothing when it matches", async () => {
  await enforcer.stop();
  const restarted = new FirewallEnforcer({ nft: recording(new NftCli({ netns: network.host })), logger: recordingLogger(logLines).logger });
  try {
    restarted.start();
    assert.equal(await fromOutside(network.outsideV4[1]), "timeout", "before any desired state, 8300 stays closed");
    const before = applied.length;
    assert.equal(restarted.setDesired(desired([{ hosts: [network.outsideV4[0]] }])), null);
    await restarted.idle();
    assert.equal(applied.length, before, "the table in place already matched");
    assert.equal(await fromOutside(network.outsideV4[0]), "connected");
  } finally {
    await restarted.stop();
  }
});
