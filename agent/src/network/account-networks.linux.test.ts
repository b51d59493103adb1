// Account namespaces with real traffic: a "host" namespace (where the agent's commands run) and an
// "outside" joined to it by veth, both created here. Two accounts listen on [::]:8300, each reached
// from outside at its own address over IPv6 and never over IPv4; outbound works over both; a
// restarted agent adopts namespaces without breaking a listener; unused namespaces are removed.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { after, before, test } from "node:test";
import { parseAccountPrefix } from "@vigil/shared";
import { NetnsProbe } from "../firewall/testing/netns-probe.js";
import { AccountNetworks } from "./account-networks.js";
import { hostNetworkCommands } from "./host-network-commands.js";

const id = randomBytes(3).toString("hex");
const HOST = `van-${id}-h`;
const OUTSIDE = `van-${id}-o`;
const INSTANCE = `t${id}`;
const PREFIX = "2001:db8:a::/64";
const ALPHA = "2001:db8:a::1";
const BETA = "2001:db8:a::2";
const PORT = 8300;
const probes: NetnsProbe[] = [];
const logLines: string[] = [];
let networks: AccountNetworks;
let alpha: NetnsProbe;
let beta: NetnsProbe;
let outside: NetnsProbe;
let ensureMs = 0;
let listeningMs = 0;

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function agent(instance = INSTANCE, prefixText = PREFIX, uplink?: string): AccountNetworks {
  const prefix = parseAccountPrefix(prefixText);
  assert.ok(typeof prefix !== "string");
  return new AccountNetworks({ instance, prefix, commands: hostNetworkCommands(HOST), log: (line) => logLines.push(line), ...(uplink !== undefined && { uplink }) });
}

function probe(netns: string): NetnsProbe {
  const started = new NetnsProbe(netns);
  probes.push(started);
  return started;
}

before(async () => {
  for (const netns of [HOST, OUTSIDE]) {
    ip("netns", "add", netns);
    ip("-n", netns, "link", "set", "lo", "up");
  }
  ip("link", "add", `van${id}h`, "netns", HOST, "type", "veth", "peer", "name", `van${id}o`, "netns", OUTSIDE);
  ip("-n", HOST, "addr", "add", "192.0.2.1/24", "dev", `van${id}h`);
  ip("-n", HOST, "addr", "add", "2001:db8:f::1/64", "dev", `van${id}h`, "nodad");
  ip("-n", OUTSIDE, "addr", "add", "192.0.2.2/24", "dev", `van${id}o`);
  ip("-n", OUTSIDE, "addr", "add", "2001:db8:f::2/64", "dev", `van${id}o`, "nodad");
  ip("-n", HOST, "link", "set", `van${id}h`, "up");
  ip("-n", OUTSIDE, "link", "set", `van${id}o`, "up");
  // The upstream routes the account prefix to the host; IPv4 to the accounts' private range too,
  // so that "not over IPv4" is the host's doing, not a missing route.
  ip("-n", OUTSIDE, "-6", "route", "add", PREFIX, "via", "2001:db8:f::1");
  ip("-n", OUTSIDE, "route", "add", "100.64.0.0/10", "via", "192.0.2.1");
  outside = probe(OUTSIDE);
  await outside.listen(9000);
  networks = agent();
  const started = performance.now();
  const [alphaNetns, betaNetns] = await Promise.all([networks.ensure("alpha", ALPHA), networks.ensure("beta", BETA)]);
  ensureMs = performance.now() - started;
  alpha = probe(alphaNetns);
  beta = probe(betaNetns);
  await Promise.all([alpha.listen(PORT), beta.listen(PORT)]);
  listeningMs = performance.now() - started;
});

after(async () => {
  for (const each of probes) each.stop();
  await networks?.converge(new Map()).catch(() => undefined);
  for (const netns of execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((line) => line.split(" ")[0] ?? "")) {
    if (netns.startsWith(`vigil-${INSTANCE}-`) || netns.startsWith(`vigil-${INSTANCE}p-`)) ip("netns", "del", netns);
  }
  for (const netns of [HOST, OUTSIDE]) ip("netns", "del", netns);
});

test("two accounts both listen on [::]:8300, each reached from outside at its own address over IPv6 only", async (t) => {
  t.diagnostic(`two namespaces created in ${Math.round(ensureMs)} ms; both listening ${Math.round(listeningMs)} ms after creation began (a node process started in each)`);
  assert.equal(await outside.connect(ALPHA, PORT, "2001:db8:f::2", 2_000), "connected");
  assert.equal(await outside.connect(BETA, PORT, "2001:db8:f::2", 2_000), "connected");
  assert.equal(await outside.connect("100.64.0.1", PORT, "192.0.2.2", 1_000), "timeout", "IPv4 into a namespace is dropped");
  assert.equal(await outside.connect("192.0.2.1", PORT, "192.0.2.2", 1_000), "ECONNREFUSED", "nothing listens in the host's own network");
  assert.match(logLines.join("\n"), /network namespace vigil-t[0-9a-f]+-[0-9a-f]{12}-alpha of account alpha created with 2001:db8:a::1 in \d+ ms/);
});

test("a service of one account cannot bind the other's address, and has no IPv4 address to receive on", async () => {
  assert.match(await alpha.bind(8301, BETA), /^error .*EADDRNOTAVAIL/);
  assert.match(await alpha.bind(8302, "192.0.2.1"), /^error .*EADDRNOTAVAIL/);
});

test("from inside, the account reaches its own address (a health check) and the outside over IPv6 and IPv4", async () => {
  assert.equal(await alpha.connect(ALPHA, PORT, ALPHA, 2_000), "connected");
  assert.equal(await alpha.connect("2001:db8:f::2", 9000, ALPHA, 2_000), "connected");
  assert.equal(await alpha.connect("192.0.2.2", 9000, "100.64.0.1", 2_000), "connected", "IPv4 out, masqueraded");
});

test("a restarted agent checks the namespaces in place: same namespace, the listener never stops answering", async () => {
  const netns = networks.netnsOf("alpha");
  const inode = statSync(`/run/netns/${netns}`).ino;
  const restarted = agent();
  await restarted.converge(new Map([["alpha", ALPHA], ["beta", BETA]]));
  assert.equal(statSync(`/run/netns/${netns}`).ino, inode);
  assert.equal(await outside.connect(ALPHA, PORT, "2001:db8:f::2", 2_000), "connected");
  networks = restarted;
});

test("a namespace no account wants is removed once its last process is gone, not before", async () => {
  const netns = networks.netnsOf("beta");
  await networks.converge(new Map([["alpha", ALPHA]]));
  assert.ok(networks.netnsOf("beta") === netns && statSync(`/run/netns/${netns}`).isFile(), "kept while its process runs");
  beta.stop();
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await networks.converge(new Map([["alpha", ALPHA]]));
    if (!execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).includes(netns)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(!execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).includes(netns), "removed");
  assert.equal(await outside.connect(BETA, PORT, "2001:db8:f::2", 500), "timeout");
  assert.equal(await outside.connect(ALPHA, PORT, "2001:db8:f::2", 2_000), "connected");
});

test("a prefix on-link at the uplink is answered by proxy NDP, and the entry goes with the namespace", async () => {
  const onLink = agent(`${INSTANCE}p`, "2001:db8:b::/64", `van${id}h`);
  ip("-n", OUTSIDE, "-6", "route", "add", "2001:db8:b::/64", "dev", `van${id}o`);
  // Index 1 maps to alpha's outbound 100.64.0.1: a second agent in this namespace must not take it.
  await assert.rejects(onLink.ensure("delta", "2001:db8:b::1"), /outbound address 100\.64\.0\.1 is already routed to vn[0-9a-f]{12}; refusing to take it/);
  const gamma = probe(await onLink.ensure("gamma", "2001:db8:b::3"));
  await gamma.listen(PORT);
  const proxies = () => execFileSync("ip", ["-n", HOST, "-6", "neigh", "show", "proxy"], { encoding: "utf8" });
  assert.match(proxies(), /2001:db8:b::3 dev van[0-9a-f]+h proxy/);
  assert.equal(await outside.connect("2001:db8:b::3", PORT, "2001:db8:f::2", 2_000), "connected", "outside resolves the address on its link and reaches it");
  gamma.stop();
  for (let attempt = 0; attempt < 100 && proxies().includes("2001:db8:b::3"); attempt += 1) {
    await onLink.converge(new Map());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.doesNotMatch(proxies(), /2001:db8:b::3/);
});
