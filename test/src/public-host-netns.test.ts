// A public host that gives each account its own network namespace, end to end: `vigil coordinator`
// and `vigil agent` (in a namespace of its own, its host config setting account_address_prefix),
// two accounts whose services both bind [::]:8300, real TCP from an "outside" namespace joined to
// the host's by veth. Measures the time from the account's namespace appearing to its service listening.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { accountNetnsNames, cgroupInstanceFor, NetnsProbe } from "@vigil/agent";
import { ServiceInput } from "@vigil/shared";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { waitFor } from "./support/wait-for.js";

const PREFIX = "2001:db8:a::/64";
const HOST_V4 = "192.0.2.1";
const HOST_V6 = "2001:db8:f::1";
const OUTSIDE_V4 = "192.0.2.2";
const OUTSIDE_V6 = "2001:db8:f::2";
const PORT = 8300;
/** Answers every connection with the address the platform gave it, then closes. */
const SERVICE = "exec socat TCP6-LISTEN:$PORT,fork,reuseaddr 'SYSTEM:echo $VIGIL_ADDRESS'";
/** An `nc -z <address> 8300` from inside the namespace; on success it leaves a mark in the home. */
/** The first check waits this long: a check before socat listens fails, rightly, and restarts the service (a loaded CI took seconds). */
const HEALTH_GRACE_MS = 10_000;
const HEALTH_CHECK = 'socat -u OPEN:/dev/null "TCP6:[$VIGIL_ADDRESS]:$PORT" && touch "$HOME/health-ok"';

let cluster: SystemCluster;
let host: AgentHost;
let outsideNetns = "";
let outside: NetnsProbe | undefined;
const homes = new Map<string, string>();
let createdToListeningMs = -1;

/** Runs a command to its end: exit code 0 or not, and what it wrote. */
function run(command: string, args: readonly string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: 10_000 }, (error, stdout, stderr) => resolve({ ok: error === null, stdout, stderr }));
    child.stdin?.end();
  });
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** What the service at `address` answers to a connection from outside, or the failure. */
async function ask(address: string): Promise<string> {
  const target = address.includes(":") ? `TCP6:[${address}]:${PORT},connect-timeout=1` : `TCP4:${address}:${PORT},connect-timeout=1`;
  const result = await run("ip", ["netns", "exec", outsideNetns, "socat", "-T2", "-", target]);
  return result.ok ? result.stdout.trim() : `failed: ${result.stderr.trim()}`;
}

async function createService(account: string, name: string): Promise<void> {
  const input = ServiceInput.fromPartial({ name, command: SERVICE, checkHealthCommand: HEALTH_CHECK, healthCheckIntervalMs: 1_000, healthCheckGraceMs: HEALTH_GRACE_MS });
  await cluster.api.call("createService", { account, service: input });
}

before(async () => {
  cluster = await SystemCluster.start(1);
  await cluster.startCoordinator();
  for (const name of ["alpha", "beta"]) homes.set(name, (await cluster.addAccount(name)).home);
  host = await cluster.addHost("n");
  const id = randomBytes(3).toString("hex");
  outsideNetns = `vnx-${id}-o`;
  ip("netns", "add", outsideNetns);
  ip("link", "add", `vnx${id}h`, "netns", host.network.netns, "type", "veth", "peer", "name", `vnx${id}o`, "netns", outsideNetns);
  ip("-n", host.network.netns, "addr", "add", `${HOST_V4}/24`, "dev", `vnx${id}h`);
  ip("-n", host.network.netns, "addr", "add", `${HOST_V6}/64`, "dev", `vnx${id}h`, "nodad");
  ip("-n", host.network.netns, "link", "set", `vnx${id}h`, "up");
  ip("-n", outsideNetns, "addr", "add", `${OUTSIDE_V4}/24`, "dev", `vnx${id}o`);
  ip("-n", outsideNetns, "addr", "add", `${OUTSIDE_V6}/64`, "dev", `vnx${id}o`, "nodad");
  ip("-n", outsideNetns, "link", "set", "lo", "up");
  ip("-n", outsideNetns, "link", "set", `vnx${id}o`, "up");
  // The upstream routes the account prefix to the host, and (so that "not over IPv4" is the host's
  // doing, not a missing route) the accounts' private IPv4 range too.
  ip("-n", outsideNetns, "-6", "route", "add", PREFIX, "via", HOST_V6);
  ip("-n", outsideNetns, "route", "add", "100.64.0.0/10", "via", HOST_V4);
  outside = new NetnsProbe(outsideNetns);
  await outside.listen(9000);
  const config = join(cluster.dir, "host-config.json");
  writeFileSync(config, JSON.stringify({ account_address_prefix: PREFIX }));
  await cluster.startAgent(host, host.token, { args: ["--host-config", config] });
  await cluster.waitForHostState(host, "up");
});

after(async () => {
  outside?.stop();
  try {
    await cluster?.close();
  } finally {
    // The agent leaves account namespaces to running services; the test removes what it caused.
    const instance = cgroupInstanceFor(host.stateDir);
    for (const account of ["alpha", "beta"]) {
      const netns = accountNetnsNames(instance, account).netns;
      if (existsSync(`/run/netns/${netns}`)) ip("netns", "del", netns);
    }
    if (outsideNetns !== "") ip("netns", "del", outsideNetns);
  }
});

test("the agent detects namespaces and the coordinator learns the host's account prefix", async () => {
  await host.process!.waitForOutput(/account namespaces usable: each account gets its own namespace and an address from 2001:db8:a::\/64/, 30_000);
  await cluster.coordinator.waitForOutput(new RegExp(`"host":"${host.name}".*"network":"account namespaces from 2001:db8:a::/64.*"msg":"host connected"`), 30_000);
  const shown = await cluster.api.host(host.name);
  assert.equal(shown?.accountAddressPrefix, PREFIX);
  assert.equal(shown?.networkProblem, "");
});

test("two accounts' services both bind [::]:8300; each is reached from outside at its own address, over IPv6 only", async (t) => {
  const netns = accountNetnsNames(cgroupInstanceFor(host.stateDir), "alpha").netns;
  await createService("alpha", "web");
  let appeared = -1;
  await waitFor("alpha's namespace", () => (existsSync(`/run/netns/${netns}`) ? (appeared = performance.now()) : undefined), { timeoutMs: 60_000, intervalMs: 2 });
  await waitFor("alpha's service answering from outside", async () => ((await outside!.connect("2001:db8:a::1", PORT, OUTSIDE_V6, 100)) === "connected" ? true : undefined), { timeoutMs: 60_000, intervalMs: 5 });
  createdToListeningMs = performance.now() - appeared;
  const setup = /network namespace \S+ of account alpha created with \S+ in (\d+) ms/.exec(host.process!.output);
  t.diagnostic(`alpha: namespace set up by the agent in ${setup?.[1] ?? "?"} ms; namespace created to service listening (seen from outside): ${Math.round(createdToListeningMs)} ms`);
  await createService("beta", "web");
  const [alpha, beta] = await Promise.all(["alpha", "beta"].map((account) => cluster.api.getService(account, "web")));
  assert.deepEqual([alpha!.ports, beta!.ports], [[PORT], [PORT]], "both were given 8300");
  assert.deepEqual([alpha!.accountAddress, beta!.accountAddress], ["2001:db8:a::1", "2001:db8:a::2"]);
  await waitFor("beta's service answering", async () => ((await ask("2001:db8:a::2")) === "2001:db8:a::2" ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 });
  assert.equal(await ask("2001:db8:a::1"), "2001:db8:a::1", "alpha answers at its own address, with VIGIL_ADDRESS in its environment");
  assert.equal(await outside!.connect("100.64.0.1", PORT, OUTSIDE_V4, 1_000), "timeout", "IPv4 into alpha's namespace is dropped");
  assert.equal(await outside!.connect(HOST_V4, PORT, OUTSIDE_V4, 1_000), "ECONNREFUSED", "nothing binds 8300 in the host's own network");
  assert.equal(await outside!.connect(HOST_V6, PORT, OUTSIDE_V6, 1_000), "ECONNREFUSED");
});

test("a service of one account cannot bind the other's address", async () => {
  await cluster.api.call("createService", { account: "alpha", service: ServiceInput.fromPartial({ name: "squat", command: "exec socat TCP6-LISTEN:8310,bind=[2001:db8:a::2] STDOUT" }) });
  await waitFor("alpha/squat failed to bind", async () => {
    const log = await cluster.api.call<{ lines: string[] }>("tailLogs", { account: "alpha", name: "squat", lines: 20 });
    return log.lines.some((line) => /Cannot assign requested address/.test(line)) ? true : undefined;
  }, { timeoutMs: 60_000, intervalMs: 200 });
  assert.equal(await ask("2001:db8:a::2"), "2001:db8:a::2", "beta still answers");
});

test("the health check (nc -z <address> 8300) runs inside the account's namespace and passes; outbound works over IPv6 and IPv4", async () => {
  for (const account of ["alpha", "beta"]) {
    await waitFor(`${account}'s health check passed`, () => (existsSync(join(homes.get(account)!, "health-ok")) ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 });
    const events = await cluster.api.events(account, "web");
    assert.ok(!events.some((event) => event.kind === "health-check-failed"), `${account}: no health check failed`);
  }
  const netns = accountNetnsNames(cgroupInstanceFor(host.stateDir), "alpha").netns;
  for (const target of [`TCP6:[${OUTSIDE_V6}]:9000`, `TCP4:${OUTSIDE_V4}:9000`]) {
    const result = await run("ip", ["netns", "exec", netns, "socat", "-u", "OPEN:/dev/null", `${target},connect-timeout=2`]);
    const show = async (ns: string, ...args: string[]) => `${ns} ${args.join(" ")}:\n${(await run("ip", ["netns", "exec", ns, ...args])).stdout}`;
    const diagnosis = result.ok
      ? ""
      : [
          await show(host.network.netns, "ip", "-4", "addr"),
          await show(host.network.netns, "ip", "-4", "route"),
          await show(host.network.netns, "ip", "neigh"),
          await show(netns, "ip", "-4", "addr"),
          await show(netns, "ip", "neigh"),
          await show(outsideNetns, "ip", "-4", "addr"),
          await show(outsideNetns, "ip", "-4", "route"),
          await show(host.network.netns, "sysctl", "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter"),
        ].join("\n");
    assert.ok(result.ok, `${target} from alpha's namespace: ${result.stderr}\n${diagnosis}`);
  }
});

test("an agent crash leaves the account's network working; the restarted agent keeps the same namespace and address", async () => {
  const netns = accountNetnsNames(cgroupInstanceFor(host.stateDir), "alpha").netns;
  const inode = statSync(`/run/netns/${netns}`).ino;
  await host.process!.crash();
  // Without an agent, the service keeps running and is reached as before: nothing of its network lives in the agent.
  const failures: string[] = [];
  const until = performance.now() + 3_000;
  let attempts = 0;
  while (performance.now() < until) {
    attempts += 1;
    const result = await outside!.connect("2001:db8:a::1", PORT, OUTSIDE_V6, 2_000);
    if (result !== "connected") failures.push(result);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(failures, [], `${failures.length} of ${attempts} connections failed while no agent ran`);
  // The new agent ends what the old one left and starts it again (leftover recovery): in the same namespace.
  const config = join(cluster.dir, "host-config.json");
  await cluster.startAgent(host, host.token, { args: ["--host-config", config] });
  await host.process!.waitForOutput(/account namespaces usable/, 60_000);
  await waitFor("alpha/web answering under the new agent", async () => ((await ask("2001:db8:a::1")) === "2001:db8:a::1" ? true : undefined), { timeoutMs: 90_000, intervalMs: 200 });
  assert.equal(statSync(`/run/netns/${netns}`).ino, inode, "the namespace was not recreated");
  assert.equal((await cluster.api.getService("alpha", "web")).accountAddress, "2001:db8:a::1");
  assert.doesNotMatch(host.process!.output, /network namespace \S+-alpha of account alpha created/, "the new agent created no namespace for alpha");
});
