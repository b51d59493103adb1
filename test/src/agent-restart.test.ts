// Services outlive their agent: `kill -9` of `vigil agent` 20 times in a row while five services
// each write 10,000 lines/s (the built command), then a stop and a start of another build of the
// agent (the sources, through tsx: an upgrade).
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

  it("stopping the agent and starting another build of it (the sources through tsx) restarts no service; --on-exit stop-services then stops them", async () => {
    const pids = new Map(SERVICES.map((name) => [name, servicePids(host.name, "alpha", name)]));
    const lastBefore = new Map(SERVICES.map((name) => [name, checkLog(home, name).last]));
    const exit = await host.process!.stop(20_000);
    assert.equal(exit.code, 0, "SIGTERM ends the agent cleanly");
    assert.match(host.process!.output, /leaving every service running for the next agent run/);
    for (const [name, list] of pids) assert.deepEqual(servicePids(host.name, "alpha", name), list, `${name} runs on without an agent`);
    await cluster.startAgent(host, host.token, { args: ["--on-exit", "stop-services"] });
    await cluster.waitForHostState(host, "up");
    for (const name of SERVICES) {
      const service = await cluster.api.getService("alpha", name);
      assert.equal(service.status?.mainPid, pids.get(name)![0], `alpha/${name} is supervised with its old pid by the new build`);
    }
    // The lines written across the upgrade, the one half read at the stop included, are all there, whole.
    await waitFor("every log growing under the new build", () => (SERVICES.every((name) => checkLog(home, name, lastBefore.get(name)).lines > 1_000) ? true : undefined), { timeoutMs: 60_000 });
    for (const name of SERVICES) {
      const check = checkLog(home, name, lastBefore.get(name));
      assert.deepEqual([check.lost, check.damaged, check.duplicated, check.outOfOrder], [0, 0, 0, 0], `${name}: no line lost, damaged, repeated or reordered across the upgrade`);
    }
    for (const name of SERVICES) {
      const started = (await cluster.api.events("alpha", name)).filter((event) => event.kind === "started" && !/taken over/.test(event.message));
      assert.equal(started.length, 1, `alpha/${name} was started once, when it was created`);
    }

    // This agent was started with --on-exit stop-services: its SIGTERM ends every service.
    assert.equal((await host.process!.stop(60_000)).code, 0);
    for (const name of SERVICES) assert.deepEqual(servicePids(host.name, "alpha", name), [], `${name} stopped with its agent`);
  });
});
