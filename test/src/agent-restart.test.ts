// Services outlive their agent: `kill -9` of `vigil agent` 20 times in a row while five services
// each write 10,000 lines/s (the built command; agent-upgrade.test.ts stops it and starts another build).
// Every service keeps its pid throughout; its log holds every line exactly once, whole and in order:
// the host's log keeper, not the agent, reads the pipes (docs/architecture.md, "Services outlive the agent").
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkLog, startWriters } from "./support/numbered-log.js";
import { servicePids } from "./support/service-processes.js";
import type { AgentHost, SystemCluster } from "./support/system-cluster.js";
import { waitFor } from "./support/wait-for.js";

const SERVICES = ["w0", "w1", "w2", "w3", "w4"];
const KILLS = 20;

describe("agent restarts", () => {
  let cluster: SystemCluster;
  let host: AgentHost;
  let home: string;

  before(async () => {
    ({ cluster, host, home } = await startWriters(SERVICES));
  });
  after(async () => cluster?.close());

  it("kill -9 of the agent 20 times while five services write 10,000 lines/s: same pids, every line logged exactly once", async () => {
    const pids = new Map(SERVICES.map((name) => [name, servicePids(host.name, "alpha", name)]));
    for (const [name, list] of pids) assert.equal(list.length, 1, `${name} runs one process`);
    const startedAt = Date.now();
    for (let kill = 0; kill < KILLS; kill++) {
      await host.process!.crash();
      for (const [name, list] of pids) assert.deepEqual(servicePids(host.name, "alpha", name), list, `${name} kept its pid after kill ${kill + 1}`);
      // The built command starts in about a second, where tsx compiles for several.
      await cluster.startAgent(host, host.token, { args: ["--on-exit", "leave-running"], bundle: true });
    }
    await waitFor("the host up again", async () => ((await cluster.api.host(host.name))?.state === "up" ? true : undefined));
    for (const name of SERVICES) {
      const service = await waitFor(`alpha/${name} running`, async () => {
        const current = await cluster.api.getService("alpha", name);
        return current.status?.state === "running" ? current : undefined;
      });
      assert.equal(service.status!.mainPid, pids.get(name)![0], `alpha/${name}: the API names the same pid`);
      assert.equal(service.status!.restarts, 0, `alpha/${name} was never restarted`);
    }
    const checks = SERVICES.map((name) => ({ name, ...checkLog(home, name) }));
    console.log(`${KILLS} kills in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; per service: ${checks.map((c) => `${c.name} ${c.lines} lines, ${c.lost} lost, ${c.damaged} damaged, ${c.duplicated} twice`).join("; ")}`);
    for (const check of checks) {
      assert.ok(check.lines > 10_000, `${check.name} logged its output (${check.lines} lines)`);
      assert.deepEqual([check.lost, check.damaged, check.duplicated, check.outOfOrder], [0, 0, 0, 0], `${check.name}: every line exactly once, whole and in order (lost, damaged, twice, out of order)`);
      // Every number from 0 to the last one logged is there: the count is the proof.
      assert.equal(check.lines, check.last + 1, `${check.name}: lines 0 to ${check.last}, each once`);
    }
  });
});
