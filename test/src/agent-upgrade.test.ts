// Services outlive their agent across an upgrade: five services writing 10,000 lines/s under the
// built command, which is stopped (leaving them running); another build of the agent (the sources,
// through tsx) takes them over with no restart and no line lost, then stops them (--on-exit stop-services).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkLog, startWriters } from "./support/numbered-log.js";
import { servicePids } from "./support/service-processes.js";
import type { AgentHost, SystemCluster } from "./support/system-cluster.js";
import { waitFor } from "./support/wait-for.js";

const SERVICES = ["w0", "w1", "w2", "w3", "w4"];

describe("agent upgrade", () => {
  let cluster: SystemCluster;
  let host: AgentHost;
  let home: string;

  before(async () => {
    ({ cluster, host, home } = await startWriters(SERVICES, { bundle: true }));
  });
  after(async () => cluster?.close());

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
