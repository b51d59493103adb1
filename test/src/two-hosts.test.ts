// Two agents in their own network namespaces behind one coordinator process: placement of two
// accounts, restart after a kill reported to the API, host tokens, and per-host desired state.
// Prints the create-to-running and event-propagation latencies measured on the way.
import assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import { after, before, describe, it } from "node:test";
import { AgentLinkProbe } from "./support/agent-link-probe.js";
import { isAlive, netnsInode, populatedUnits, servicePids } from "./support/service-processes.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { waitFor } from "./support/wait-for.js";

const SERVICES = ["web", "worker", "cron"];
const SLEEPER = "exec sleep 100000";

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe("two agents on two hosts", () => {
  let cluster: SystemCluster;
  let hostA: AgentHost;
  let hostB: AgentHost;
  const hostOf = (name: string) => [hostA, hostB].find((host) => host.name === name);

  before(async () => {
    cluster = await SystemCluster.startWithTwoHosts();
    [hostA, hostB] = cluster.hosts as [AgentHost, AgentHost];
  });
  after(async () => cluster?.close());

  it("runs each account's services on one host, the two accounts on the two hosts, and nothing else there", async () => {
    const toProcess: number[] = [];
    const toRunning: number[] = [];
    for (const account of ["alpha", "beta"]) {
      for (const name of SERVICES) {
        const started = performance.now();
        const created = await cluster.api.createService(account, name, SLEEPER);
        const host = hostOf(created.host);
        assert.ok(host, `${account}/${name} is placed on one of the two hosts, not ${created.host}`);
        await waitFor(`${account}/${name}'s process on ${host.name}`, () => (servicePids(host.name, account, name).length > 0 ? true : undefined), { intervalMs: 5 });
        toProcess.push(performance.now() - started);
        await waitFor(`${account}/${name} running in the API`, async () => ((await cluster.api.getService(account, name)).status?.state === "running" ? true : undefined), { intervalMs: 20 });
        toRunning.push(performance.now() - started);
      }
    }
    console.log(`create-to-running (CreateService -> process in the service's cgroup on its host): median ${median(toProcess).toFixed(0)} ms, max ${Math.max(...toProcess).toFixed(0)} ms over ${toProcess.length} services`);
    console.log(`create-to-running as the API reports it (CreateService -> GetService state running): median ${median(toRunning).toFixed(0)} ms, max ${Math.max(...toRunning).toFixed(0)} ms`);

    const placement = new Map<string, Set<string>>();
    for (const account of ["alpha", "beta"]) {
      for (const service of await cluster.api.listServices(account)) {
        placement.set(account, (placement.get(account) ?? new Set()).add(service.host));
        const host = hostOf(service.host)!;
        const pid = service.status!.mainPid;
        assert.deepEqual(servicePids(host.name, account, service.name), [pid], `${account}/${service.name} is one process, the one the API names`);
        assert.equal(netnsInode(pid), host.network.inode, `${account}/${service.name} runs inside ${host.name}'s network namespace`);
      }
    }
    const [alphaHost, betaHost] = [[...placement.get("alpha")!], [...placement.get("beta")!]];
    assert.equal(alphaHost.length, 1, "all of alpha's services share one host");
    assert.equal(betaHost.length, 1, "all of beta's services share one host");
    assert.notEqual(alphaHost[0], betaHost[0], "the two accounts use the two hosts");
    for (const [account, [host]] of [["alpha", alphaHost], ["beta", betaHost]] as const) {
      assert.deepEqual(populatedUnits(host!), SERVICES.map((name) => `${account}/${name}`).sort(), `${host} runs ${account}'s services and nothing else`);
    }
  });

  it("restarts a service whose process was killed and the coordinator reports the restart", async () => {
    const delays: number[] = [];
    for (const [account, name] of [["alpha", "web"], ["beta", "web"], ["alpha", "worker"]] as const) {
      const before = await cluster.api.getService(account, name);
      const host = hostOf(before.host)!;
      const killedPid = before.status!.mainPid;
      const killedAt = performance.now();
      process.kill(killedPid, "SIGKILL");
      const after = await waitFor(`${account}/${name}'s restart in the API`, async () => {
        const service = await cluster.api.getService(account, name);
        return service.status!.restarts > before.status!.restarts && service.status!.state === "running" ? service : undefined;
      }, { intervalMs: 20 });
      delays.push(performance.now() - killedAt);
      assert.equal(after.status!.restarts, before.status!.restarts + 1, "one kill, one restart");
      assert.notEqual(after.status!.mainPid, killedPid);
      assert.deepEqual(servicePids(host.name, account, name), [after.status!.mainPid], "the restarted process is the one the API names");
      assert.equal(isAlive(killedPid), false);
    }
    console.log(`event propagation (SIGKILL -> GetService shows the restart, agent -> NATS -> coordinator -> PostgreSQL): median ${median(delays).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms over ${delays.length} kills`);
  });

  it("sends an agent only its own host's services, and nobody another host's", async () => {
    const alphaHost = (await cluster.api.getService("alpha", "web")).host;
    const betaHost = (await cluster.api.getService("beta", "web")).host;
    const thief = new AgentLinkProbe(cluster.address, betaHost, hostOf(alphaHost)!.token);
    try {
      assert.equal((await thief.refusal()).code, status.UNAUTHENTICATED, "a host's token does not open another host's state");
      assert.deepEqual(thief.states, []);
    } finally {
      thief.close();
    }
    // A third host: it is sent no service of the two others, then exactly the account placed on it.
    const third = await cluster.api.call<{ token: string }>("issueToken", { scope: "host", subject: `sys-${cluster.id}-probe` });
    const probe = new AgentLinkProbe(cluster.address, `sys-${cluster.id}-probe`, third.token);
    try {
      assert.deepEqual(await waitFor("the probe's first desired state", () => probe.latestServices()), []);
      await cluster.addAccount("gamma");
      const created = await cluster.api.createService("gamma", "solo", SLEEPER);
      assert.equal(created.host, `sys-${cluster.id}-probe`, "the least-loaded host takes the new account");
      assert.deepEqual(await waitFor("gamma/solo in the probe's state", () => (probe.latestServices()?.length ? probe.latestServices() : undefined)), ["gamma/solo"]);
      // Desired state is sent whole: any state the two agents get from now on would carry gamma/solo if it were theirs.
      for (const account of ["alpha", "beta"]) await cluster.createRunningService(account, "late", SLEEPER);
      for (const host of [hostA, hostB]) {
        const account = host.name === alphaHost ? "alpha" : "beta";
        assert.deepEqual(populatedUnits(host.name), [...SERVICES, "late"].map((name) => `${account}/${name}`).sort(), `${host.name} runs ${account}'s services only`);
      }
    } finally {
      probe.close();
    }
  });

  it("refuses an agent with a wrong host token: it is told UNAUTHENTICATED, exits 1 saying so, and its host never comes up", async () => {
    // A lookalike of host A (its namespace, its own name and state) presenting a token nobody issued.
    const intruder = await cluster.addHost("intruder", { token: "vigil_not-a-token-of-this-coordinator", network: hostA.network });
    const agent = await cluster.startAgent(intruder);
    // Issue 12: a refused token is final; the agent stops instead of redialling every few seconds forever.
    assert.equal((await agent.exited).code, 1, agent.output);
    assert.match(agent.output, /refused this host's token \(UNAUTHENTICATED\): .*not a valid host token/);
    assert.equal(await cluster.api.host(intruder.name), undefined, "the host was never registered");
  });
});
