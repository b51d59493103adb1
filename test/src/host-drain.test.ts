// Issue 15: `vigil host drain` with real agents on two hosts: every account on host A moves to B, a
// probe reading both hosts' service cgroups without pause never sees a service on both, ports stay,
// the CLI shows progress, and A ends empty and cordoned with the drain in `vigil events`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Host, type ServiceEvent } from "@vigil/shared";
import { startOverlapProbe } from "./support/overlap-probe.js";
import { servicePids } from "./support/service-processes.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { TestProcess } from "./support/test-process.js";
import { waitFor } from "./support/wait-for.js";

const REPO = new URL("../../", import.meta.url).pathname;
const SLEEPER = "exec sleep 100000";
const SERVICES = [
  ["alpha", "web"],
  ["alpha", "worker"],
  ["alpha", "cron"],
  ["beta", "web"],
  ["beta", "queue"],
] as const;

describe("host drain with two real agents", () => {
  let cluster: SystemCluster;
  let hostA: AgentHost;
  let hostB: AgentHost;

  before(async () => {
    cluster = await SystemCluster.start(2);
    try {
      await cluster.startCoordinator();
      hostA = await cluster.addHost("a");
      await cluster.startAgent(hostA);
      await cluster.waitForHostState(hostA, "up");
      await cluster.addAccount("alpha");
      await cluster.addAccount("beta");
      // Only A is up: every account lands there.
      for (const [account, name] of SERVICES) assert.equal((await cluster.createRunningService(account, name, SLEEPER)).name, hostA.name);
      hostB = await cluster.addHost("b");
      await cluster.startAgent(hostB);
      await cluster.waitForHostState(hostB, "up");
    } catch (error) {
      await cluster.close();
      throw error;
    }
  });
  after(async () => cluster?.close());

  it("moves every account from A to B, never running a service on both, with the same ports, and leaves A empty and cordoned", async () => {
    const portsBefore = new Map<string, number[]>();
    for (const account of ["alpha", "beta"]) for (const service of await cluster.api.listServices(account)) portsBefore.set(`${account}/${service.name}`, service.ports);
    const probe = startOverlapProbe(hostA, hostB, SERVICES);
    const started = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, VIGIL_TOKEN: readFileSync(join(cluster.dir, "operator.token"), "utf8").trim(), VIGIL_CLIENT_CONFIG: join(cluster.dir, "client.json") };
    delete env["NODE_TEST_CONTEXT"];
    const cli = TestProcess.start("vigil host drain", process.execPath, ["--import", "tsx", join(REPO, "cli/src/main.ts"), "host", "drain", hostA.name, "--address", cluster.address, "--timeout", "120"], { cwd: REPO, env });
    const exit = await cli.exited;
    const seconds = (performance.now() - started) / 1000;
    // The last service may still be starting on B when the drain ends: it is B's, never A's again.
    for (const [account, name] of SERVICES) {
      await waitFor(`${account}/${name} running on ${hostB.name}`, async () => {
        const service = await cluster.api.getService(account, name);
        return service.host === hostB.name && service.status?.state === "running" && servicePids(hostB.name, account, name).length > 0 ? service : undefined;
      });
    }
    const { rounds, overlaps } = await probe.stop();
    console.log(`drain of ${SERVICES.length} services in 2 accounts with real agents: ${seconds.toFixed(1)} s including the CLI's start; probe: ${rounds} rounds over both hosts, ${overlaps.length} overlaps`);
    assert.equal(exit.code, 0, cli.output);
    assert.match(cli.output, /drain started \(asked by an operator\): 2 account\(s\), 5 service\(s\) to move/, "the CLI showed the drain's progress");
    assert.match(cli.output, /drained: no service left, host cordoned/);
    assert.deepEqual(overlaps, [], "no service ever ran on both hosts");
    assert.ok(rounds > 20, `the probe kept looking during the drain (${rounds} rounds)`);

    for (const [account, name] of SERVICES) {
      const service = await cluster.api.getService(account, name);
      assert.deepEqual(service.ports, portsBefore.get(`${account}/${name}`), `${account}/${name} kept its ports`);
      assert.deepEqual(servicePids(hostA.name, account, name), [], `${account}/${name} left nothing on A`);
      assert.deepEqual(servicePids(hostB.name, account, name), [service.status!.mainPid], `${account}/${name} runs on B as the API says`);
    }
    const drained = (await cluster.api.host(hostA.name)) as Host;
    assert.deepEqual([drained.serviceCount, drained.cordoned, drained.draining], [0, true, false]);
    const events = (await cluster.api.call<{ events: ServiceEvent[] }>("listEvents", { host: hostA.name, limit: 100 })).events.reverse();
    assert.deepEqual(
      events.filter((event) => ["drain-started", "account-moved", "drain-finished"].includes(event.kind)).map((event) => `${event.kind}${event.service?.account ? ` ${event.service.account}` : ""}`),
      ["drain-started", "account-moved alpha", "account-moved beta", "drain-finished"],
    );
  });
});
