// NATS stopped for 10 s (the private nats-server ended by pid, then started again on the same
// port and store): the agents keep supervising, and every event of the outage reaches the database.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { servicePids } from "./support/service-processes.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { sleep, waitFor } from "./support/wait-for.js";

const OUTAGE_MS = 10_000;
const UNITS: readonly (readonly [string, string])[] = [["alpha", "web"], ["alpha", "worker"], ["beta", "web"]];

describe("NATS outage", () => {
  let cluster: SystemCluster;
  const hostOf = new Map<string, AgentHost>();
  const pidOf = (account: string, name: string) => servicePids(hostOf.get(`${account}/${name}`)!.name, account, name);

  before(async () => {
    cluster = await SystemCluster.startWithTwoHosts();
    for (const [account, name] of UNITS) hostOf.set(`${account}/${name}`, await cluster.createRunningService(account, name, "exec sleep 100000"));
  });
  after(async () => cluster?.close());

  it("loses no event produced while NATS is stopped for 10 s", async () => {
    const natsPid = cluster.nats.pid;
    assert.ok(natsPid !== undefined);
    const stoppedAt = Date.now();
    await cluster.nats.stop();
    assert.throws(() => process.kill(natsPid, 0), /ESRCH/, "nats-server is gone");

    const killed: { unit: readonly [string, string]; pid: number; next: number }[] = [];
    for (const unit of UNITS) {
      const [pid] = pidOf(...unit);
      process.kill(pid!, "SIGKILL");
      const [next] = await waitFor(`${unit.join("/")} restarted by its agent`, () => {
        const pids = pidOf(...unit);
        return pids.length === 1 && pids[0] !== pid ? pids : undefined;
      }, { intervalMs: 20 });
      killed.push({ unit, pid: pid!, next: next! });
    }
    await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
    await cluster.nats.start();
    const natsBackAt = Date.now();

    for (const { unit, pid, next } of killed) {
      const [account, name] = unit;
      const events = await waitFor(`${account}/${name}'s outage events in the database`, async () => {
        const outage = (await cluster.api.events(account, name)).filter((event) => event.atMs >= stoppedAt && event.atMs <= natsBackAt);
        const found = outage.filter((event) => (event.kind === "exited" && event.pid === pid) || (event.kind === "started" && event.pid === next));
        return found.length >= 2 ? outage : undefined;
      }, { timeoutMs: 60_000, intervalMs: 200 });
      assert.deepEqual(events.filter((event) => event.kind === "exited").map((event) => event.pid), [pid], `${account}/${name}: the kill is stored once`);
      assert.deepEqual(events.filter((event) => event.kind === "started").map((event) => event.pid), [next], `${account}/${name}: the restart is stored once`);
      const service = await cluster.api.getService(account, name);
      assert.equal(service.status!.mainPid, next);
      assert.equal(service.status!.restarts, 1);
    }
    console.log(`NATS down ${natsBackAt - stoppedAt} ms: ${killed.length} exited + ${killed.length} started events, all in the database ${Date.now() - natsBackAt} ms after NATS came back`);
  });
});
