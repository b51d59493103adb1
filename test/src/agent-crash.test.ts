// `kill -9` of an agent process: its services keep running, the coordinator marks the host down
// within 40 s (default 30 s heartbeat timeout) with its services "unknown", and the restarted agent
// brings the host back up with each service running exactly once, never twice at any moment.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { pidsWithCommandLine, servicePids } from "./support/service-processes.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { waitFor } from "./support/wait-for.js";

const NAMES = ["web", "worker"];
/** Each service sleeps for its own odd duration: its command line is a marker found through /proc. */
const BASE = 1_000_000 + randomInt(0, 1_000_000) * 10;
const UNITS = ["alpha", "beta"].flatMap((account, a) => NAMES.map((name, n) => ({ account, name, argv: ["sleep", String(BASE + a * NAMES.length + n)] })));
const alpha = UNITS.filter((unit) => unit.account === "alpha");

/** Samples how many processes carry each service's marker until stopped; remembers the most seen at once. */
function sampleProcessCounts(): { stop(): Map<string, number> } {
  const most = new Map<string, number>();
  const timer = setInterval(() => {
    for (const unit of UNITS) most.set(`${unit.account}/${unit.name}`, Math.max(most.get(`${unit.account}/${unit.name}`) ?? 0, pidsWithCommandLine(unit.argv).length));
  }, 50);
  return { stop: () => (clearInterval(timer), most) };
}

describe("agent crash", () => {
  let cluster: SystemCluster;
  let hostA: AgentHost;
  let hostB: AgentHost;

  before(async () => {
    cluster = await SystemCluster.startWithTwoHosts();
    [hostA, hostB] = cluster.hosts as [AgentHost, AgentHost];
    // Placement by load, then by name: alpha goes to host a, then beta to the emptier host b.
    for (const unit of UNITS) await cluster.createRunningService(unit.account, unit.name, `exec ${unit.argv.join(" ")}`);
    assert.equal((await cluster.api.getService("alpha", "web")).host, hostA.name);
    assert.equal((await cluster.api.getService("beta", "web")).host, hostB.name);
  });
  after(async () => cluster?.close());

  it("marks the host down within 40 s with its services unknown, and the restarted agent runs each service exactly once", async () => {
    const before = new Map(UNITS.map((unit) => [unit.name + unit.account, pidsWithCommandLine(unit.argv)]));
    for (const pids of before.values()) assert.equal(pids.length, 1);
    const killedAt = Date.now();
    await hostA.process!.crash();

    await cluster.waitForHostState(hostA, "down", 40_000);
    console.log(`host down ${Date.now() - killedAt} ms after kill -9 of its agent (heartbeat timeout 30 s)`);
    for (const unit of alpha) {
      const service = await cluster.api.getService(unit.account, unit.name);
      assert.equal(service.status!.state, "unknown", `${unit.account}/${unit.name} reads unknown, not a stale running`);
      assert.equal(service.status!.mainPid, 0);
      assert.deepEqual(pidsWithCommandLine(unit.argv), before.get(unit.name + unit.account), `${unit.account}/${unit.name} kept running without its agent`);
    }
    assert.equal((await cluster.api.host(hostB.name))?.state, "up", "the other host is not affected");
    assert.equal((await cluster.api.getService("beta", "web")).status!.state, "running");

    // Only an agent starts services: the moment to watch for a second copy is its restart.
    const counts = sampleProcessCounts();
    await cluster.startAgent(hostA);
    await cluster.waitForHostState(hostA, "up");
    for (const unit of alpha) {
      const service = await waitFor(`${unit.account}/${unit.name} running again in the API`, async () => {
        const current = await cluster.api.getService(unit.account, unit.name);
        return current.status?.state === "running" && current.status.mainPid > 0 ? current : undefined;
      });
      assert.deepEqual(servicePids(hostA.name, unit.account, unit.name), [service.status!.mainPid], `${unit.account}/${unit.name}: one process, the one the API names`);
      const started = (await cluster.api.events(unit.account, unit.name)).filter((event) => event.atMs >= killedAt && event.kind === "started");
      assert.ok(started.length <= 1, `${unit.account}/${unit.name} was started at most once by the new agent`);
    }
    const most = counts.stop();
    for (const unit of UNITS) {
      const key = `${unit.account}/${unit.name}`;
      assert.equal(most.get(key), 1, `${key} never ran as two processes at once`);
      assert.equal(pidsWithCommandLine(unit.argv).length, 1, `${key} runs exactly once`);
    }
    for (const unit of UNITS.filter((candidate) => candidate.account === "beta")) {
      assert.deepEqual(pidsWithCommandLine(unit.argv), before.get(unit.name + unit.account), `${unit.account}/${unit.name} on the other host was not touched`);
    }
  });
});
