// Issue 15: `host drain` of a private-cloud host with real agents: the account's services move to
// its other private host, stopped on the first before they start on the second (a probe reading
// both hosts' cgroups never sees one on both), keep their ports, and answer at the second host's
// address from then on (the account's firewall rule, which opens them, applies there too).
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { FirewallRule, type Host, type ServiceEvent } from "@vigil/shared";
import { startOverlapProbe } from "./support/overlap-probe.js";
import { servicePids } from "./support/service-processes.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { waitFor } from "./support/wait-for.js";

const ACCOUNT = "acme";
const SERVICES = [
  [ACCOUNT, "db"],
  [ACCOUNT, "api"],
] as const;
/** Answers each connection with its service's name: it listens on the service's port, in its host's network. */
const answering = (name: string) => `exec socat TCP-LISTEN:$PORT,fork,reuseaddr SYSTEM:'echo ${name}'`;

/** What a TCP connection to address:port reads before the service closes it, or why it failed. */
function ask(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 2_000 });
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("end", () => resolve(answer.trim()));
    socket.on("timeout", () => (socket.destroy(), resolve("timeout")));
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe("drain of a private-cloud host with two real agents", () => {
  let cluster: SystemCluster;
  let p1: AgentHost;
  let p2: AgentHost;

  async function startPrivateHost(suffix: string): Promise<AgentHost> {
    const host = await cluster.addHost(suffix, { owner: ACCOUNT });
    await cluster.startAgent(host);
    await cluster.waitForHostState(host, "up");
    return host;
  }

  before(async () => {
    cluster = await SystemCluster.start(2);
    try {
      await cluster.startCoordinator();
      await cluster.addAccount(ACCOUNT, "private");
      p1 = await startPrivateHost("p1");
      // Only p1 exists yet: the account's services land there.
      for (const [account, name] of SERVICES) assert.equal((await cluster.createRunningService(account, name, answering(name))).name, p1.name);
      p2 = await startPrivateHost("p2");
      // A private host closes the account's ports to everyone but whom its owner's rules let in: here the test process, from either host's side.
      const from = [p1, p2].map((host) => `${host.network.gateway}/32`);
      await cluster.api.call("createFirewallRule", { rule: FirewallRule.fromPartial({ account: ACCOUNT, protocol: "tcp", action: "accept", direction: "in", hosts: from, ports: ["8300-8499"], ipVersion: "ipv4" }) });
    } catch (error) {
      await cluster.close();
      throw error;
    }
  });

  after(async () => cluster?.close());

  it("moves the account to its other host, never running a service on both; its ports answer at the new host's address", async () => {
    const portsBefore = new Map<string, number[]>();
    for (const service of await cluster.api.listServices(ACCOUNT)) {
      portsBefore.set(service.name, service.ports);
      await waitFor(`${service.name} answering on p1`, async () => ((await ask(p1.network.address, service.ports[0]!)) === service.name ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    }
    const probe = startOverlapProbe(p1, p2, SERVICES);
    await cluster.api.call("drainHost", { name: p1.name });
    await waitFor("the drain to end", async () => ((await cluster.api.host(p1.name))?.draining === false ? true : undefined), { timeoutMs: 120_000, intervalMs: 100 });
    for (const [account, name] of SERVICES) {
      await waitFor(`${account}/${name} running on ${p2.name}`, async () => {
        const service = await cluster.api.getService(account, name);
        return service.host === p2.name && service.status?.state === "running" && servicePids(p2.name, account, name).length > 0 ? service : undefined;
      });
    }
    const { rounds, overlaps } = await probe.stop();
    assert.deepEqual(overlaps, [], "no service ever ran on both hosts");
    assert.ok(rounds > 20, `the probe kept looking during the drain (${rounds} rounds)`);

    for (const [account, name] of SERVICES) {
      const service = await cluster.api.getService(account, name);
      const port = service.ports[0]!;
      assert.deepEqual(service.ports, portsBefore.get(name), `${name} kept its ports`);
      await waitFor(`${name} answering on p2`, async () => ((await ask(p2.network.address, port)) === name ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
      assert.equal(await ask(p1.network.address, port), "ECONNREFUSED", `${name} no longer answers at p1's address`);
      assert.deepEqual(servicePids(p1.name, account, name), [], `${name} left nothing on p1`);
      // socat forks a child per connection: the main process is one of the cgroup's.
      assert.ok(servicePids(p2.name, account, name).includes(service.status!.mainPid), `${name} runs on p2 as the API says`);
    }
    const drained = (await cluster.api.host(p1.name)) as Host;
    assert.deepEqual([drained.serviceCount, drained.cordoned, drained.draining, drained.drainMessage], [0, true, false, "drained: no service left, host cordoned"]);
    const events = (await cluster.api.call<{ events: ServiceEvent[] }>("listEvents", { host: p1.name, limit: 100 })).events;
    assert.ok(events.some((event) => event.kind === "account-moved" && event.message === `moved ${ACCOUNT} (2 service(s)) from ${p1.name} to ${p2.name}`), JSON.stringify(events.map((event) => event.message)));
  });
});
