// `kill -9` of the coordinator process: every service keeps running with the same pid, the agents
// keep restarting what dies meanwhile, and once the coordinator is back every event of the outage
// is in the database exactly once.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { servicePids } from "./support/service-processes.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { waitFor } from "./support/wait-for.js";

const UNITS = [["alpha", "web"], ["alpha", "worker"], ["beta", "web"], ["beta", "worker"]] as const;
/** Two kills of one service and one of two others: below the crash-loop limit (5 failures in 120 s). */
const KILLS = [["alpha", "web"], ["beta", "web"], ["alpha", "web"], ["beta", "worker"]] as const;

describe("coordinator crash", () => {
  let cluster: SystemCluster;
  const hostOf = new Map<string, AgentHost>();
  const key = (account: string, name: string) => `${account}/${name}`;
  const pidOf = (account: string, name: string) => servicePids(hostOf.get(key(account, name))!.name, account, name);

  before(async () => {
    cluster = await SystemCluster.startWithTwoHosts();
    for (const [account, name] of UNITS) hostOf.set(key(account, name), await cluster.createRunningService(account, name, "exec sleep 100000"));
  });
  after(async () => cluster?.close());

  it("keeps every service running through kill -9 of the coordinator and stores every event of the outage once", async () => {
    const before = new Map(UNITS.map(([account, name]) => [key(account, name), pidOf(account, name)]));
    for (const pids of before.values()) assert.equal(pids.length, 1);
    const crashedAt = Date.now();
    await cluster.coordinator.crash();
    for (const [unit, pids] of before) assert.deepEqual(pidOf(...(unit.split("/") as [string, string])), pids, `${unit} still runs the same process`);

    // Meanwhile the agents restart what dies; each restart is an exited and a started event to deliver.
    const killed = new Map<string, number[]>();
    const started = new Map<string, number[]>();
    for (const [account, name] of KILLS) {
      const [pid] = pidOf(account, name);
      process.kill(pid!, "SIGKILL");
      // Backoff grows with each failure of the same service; the wait allows for it.
      const [next] = await waitFor(`${account}/${name} restarted by its agent`, () => {
        const pids = pidOf(account, name);
        return pids.length === 1 && pids[0] !== pid ? pids : undefined;
      }, { timeoutMs: 60_000, intervalMs: 20 });
      killed.set(key(account, name), [...(killed.get(key(account, name)) ?? []), pid!]);
      started.set(key(account, name), [...(started.get(key(account, name)) ?? []), next!]);
    }
    const untouched = UNITS.filter(([account, name]) => !killed.has(key(account, name)));
    for (const [account, name] of untouched) assert.deepEqual(pidOf(account, name), before.get(key(account, name)));

    await cluster.startCoordinator();
    const restartedAt = Date.now();
    assert.doesNotMatch(cluster.coordinator.output, /wrote an operator token/, "the bootstrap token file of the first start is kept");
    for (const [unit, pids] of killed) {
      const [account, name] = unit.split("/") as [string, string];
      let seen = "no answer";
      const outage = await waitFor(`the outage's events of ${unit} in the database`, async () => {
        const all = await cluster.api.events(account, name);
        seen = all.map((event) => `${event.kind} pid ${event.pid} at ${event.atMs - crashedAt} ms`).join(", ");
        const events = all.filter((event) => event.atMs >= crashedAt && event.atMs <= restartedAt);
        const exited = events.filter((event) => event.kind === "exited");
        const begun = events.filter((event) => event.kind === "started");
        return exited.length >= pids.length && begun.length >= pids.length ? { exited, begun } : undefined;
      }, { timeoutMs: 60_000, intervalMs: 200 }).catch((error: Error) => {
        throw new Error(`${error.message}; killed ${pids.join(", ")}, restarted as ${started.get(unit)!.join(", ")}, coordinator back at ${restartedAt - crashedAt} ms; events: ${seen}\n${cluster.logs()}`);
      });
      assert.deepEqual(outage.exited.map((event) => event.pid).sort(), [...pids].sort(), `${unit}: one exited event per killed process, none twice`);
      assert.deepEqual(outage.begun.map((event) => event.pid).sort(), [...started.get(unit)!].sort(), `${unit}: one started event per restart, none twice`);
      const service = await waitFor(`${unit}'s status caught up`, async () => {
        const current = await cluster.api.getService(account, name);
        return current.status?.mainPid === started.get(unit)!.at(-1) ? current : undefined;
      });
      assert.equal(service.status!.state, "running");
      assert.equal(service.status!.restarts, pids.length, `${unit}: the restart count includes the restarts of the outage`);
    }
    const total = [...killed.values()].flat().length;
    console.log(`coordinator down ${restartedAt - crashedAt} ms: ${total} exited + ${total} started events produced meanwhile, all stored once after the restart`);
    // The resync after the restart changed nothing that runs.
    for (const [account, name] of untouched) assert.deepEqual(pidOf(account, name), before.get(key(account, name)));
    for (const [unit, pids] of started) assert.deepEqual(pidOf(...(unit.split("/") as [string, string])), [pids.at(-1)]);
  });
});
