// The host's log keeper (docs/architecture.md, "Services outlive the agent"), with real processes:
// a service that writes and exits while no agent runs has every line in its log; a keeper of another
// protocol (an upgrade) hands over to the agent's own with no line lost; a killed keeper is started
// again by the agent while the services run on.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { lockHolder, logKeeperDir } from "@vigil/agent";
import { checkLog, startWriters } from "./support/numbered-log.js";
import { servicePids } from "./support/service-processes.js";
import type { AgentHost, SystemCluster } from "./support/system-cluster.js";
import { waitFor } from "./support/wait-for.js";

const BURST_LINES = 200_000;
/** Writes BURST_LINES lines at once when told to (file `go`), then exits; a later run only sleeps. */
function burst(home: string): string {
  return `if [ -e ${home}/burst-done ]; then exec sleep 100000; fi; while [ ! -e ${home}/go ]; do sleep 0.05; done; perl -e 'print "line $_\\n" for 0 .. ${BURST_LINES - 1}'; touch ${home}/burst-done`;
}
/** Stands for a keeper of an older build: another protocol number, the same messages. */
const OLD_PROTOCOL = ["--log-keeper-protocol", "0"];

function keeperPid(host: AgentHost): number | undefined {
  return lockHolder(logKeeperDir(host.stateDir))?.pid;
}

describe("the log keeper", () => {
  let cluster: SystemCluster;
  let host: AgentHost;
  let home: string;

  before(async () => {
    ({ cluster, host, home } = await startWriters(["writer"], { args: OLD_PROTOCOL, bundle: true }));
  });
  after(async () => cluster?.close());

  it("a service that writes 200,000 lines and exits while the agent is down has every line in its log, once", async () => {
    await cluster.createRunningService("alpha", "burst", burst(home));
    const [pid] = servicePids(host.name, "alpha", "burst");
    await host.process!.crash();
    writeFileSync(join(home, "go"), "");
    // Far more than a pipe holds: only a reader that drains it while no agent runs lets it finish.
    await waitFor("alpha/burst to exit while the agent is down", () => (servicePids(host.name, "alpha", "burst").length === 0 ? true : undefined), { timeoutMs: 60_000 });
    // The last lines may still be in the pipe when the service is gone: the keeper reads them to its end.
    const check = await waitFor("the burst's last line in its log", () => {
      const now = checkLog(home, "burst");
      return now.last === BURST_LINES - 1 ? now : undefined;
    });
    assert.deepEqual([check.lines, check.last, check.lost, check.damaged, check.duplicated, check.outOfOrder], [BURST_LINES, BURST_LINES - 1, 0, 0, 0, 0], "every line logged once while no agent ran");
    await cluster.startAgent(host, host.token, { args: ["--on-exit", "leave-running", ...OLD_PROTOCOL], bundle: true });
    const service = await waitFor("alpha/burst running again", async () => {
      const current = await cluster.api.getService("alpha", "burst");
      return current.status?.state === "running" && current.status.mainPid !== pid ? current : undefined;
    });
    assert.equal(service.status!.restarts, 1, "its exit while the agent was down counts once");
    assert.equal(checkLog(home, "burst").lines, BURST_LINES, "the next run adds no line of the old one");
  });

  it("a keeper of another protocol (an upgrade) hands over to the agent's own: the writer loses no line", async () => {
    const [writerPid] = servicePids(host.name, "alpha", "writer");
    const oldKeeper = keeperPid(host);
    assert.ok(oldKeeper !== undefined, "a keeper runs");
    await host.process!.crash();
    const before = checkLog(home, "writer").last;
    await cluster.startAgent(host, host.token, { args: ["--on-exit", "leave-running"], bundle: true });
    const newKeeper = await waitFor("a new keeper", () => {
      const pid = keeperPid(host);
      return pid !== undefined && pid !== oldKeeper ? pid : undefined;
    });
    // It frees its lock before it answers the handover, and exits right after.
    await waitFor("the old keeper to exit after its handover", () => {
      try {
        process.kill(oldKeeper, 0);
        return undefined;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === "ESRCH" ? true : undefined;
      }
    }, { timeoutMs: 10_000 });
    await waitFor("the writer's log growing under the new keeper", () => (checkLog(home, "writer").last > before + 20_000 ? true : undefined), { timeoutMs: 60_000 });
    const check = checkLog(home, "writer");
    console.log(`handover from keeper ${oldKeeper} to ${newKeeper}: ${check.lines} lines, ${check.lost} lost, ${check.duplicated} twice`);
    assert.deepEqual([check.lost, check.damaged, check.duplicated, check.outOfOrder], [0, 0, 0, 0], "no line lost, damaged, repeated or reordered across the handover");
    assert.equal(check.lines, check.last + 1, "lines 0 to the last, each once");
    assert.deepEqual(servicePids(host.name, "alpha", "writer"), [writerPid], "the writer kept its pid");
  });

  it("a killed keeper is started again by the agent: the services keep their pids and their logs grow", async () => {
    const [writerPid] = servicePids(host.name, "alpha", "writer");
    const killed = keeperPid(host);
    assert.ok(killed !== undefined, "a keeper runs");
    process.kill(killed, "SIGKILL");
    await waitFor("a keeper started again", () => {
      const pid = keeperPid(host);
      return pid !== undefined && pid !== killed ? pid : undefined;
    });
    const since = checkLog(home, "writer").last;
    await waitFor("the writer's log growing again", () => (checkLog(home, "writer", since).lines > 10_000 ? true : undefined), { timeoutMs: 60_000 });
    const check = checkLog(home, "writer");
    // What the killed keeper had read and not written is lost (at most its queue and socket buffer).
    console.log(`keeper ${killed} killed: ${check.lost} lines lost of ${check.last + 1}`);
    assert.deepEqual([check.duplicated, check.outOfOrder], [0, 0], "no line repeated or reordered");
    assert.deepEqual(servicePids(host.name, "alpha", "writer"), [writerPid], "the writer kept its pid");
    assert.equal((await cluster.api.getService("alpha", "writer")).status?.restarts, 0, "and was never restarted");
  });
});
