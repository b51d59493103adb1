// AgentLink keepalive with real processes: a peer frozen with SIGSTOP (its TCP connection open, its
// process answering nothing) is noticed within 10 s from either side, and nothing is restarted.
import assert from "node:assert/strict";
import { type ServiceError, status } from "@grpc/grpc-js";
import { after, before, describe, it } from "node:test";
import { servicePids } from "./support/service-processes.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { type TestProcess } from "./support/test-process.js";
import { waitFor } from "./support/wait-for.js";

/** What the issue asks of keepalive; the polls below add at most POLL_MS to what they measure. */
const DETECTION_LIMIT_MS = 10_000;
const POLL_MS = 100;

/** Processes stopped by this file: `after` resumes them before the cluster ends them (a stopped process ignores SIGTERM). */
const frozen = new Set<number>();

function freeze(target: TestProcess): number {
  process.kill(target.pid, "SIGSTOP");
  frozen.add(target.pid);
  return Date.now();
}

function thaw(pid: number): void {
  frozen.delete(pid);
  try {
    process.kill(pid, "SIGCONT");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function occurrences(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, "g"))?.length ?? 0;
}

describe("AgentLink keepalive", () => {
  let cluster: SystemCluster;
  let host: AgentHost;
  let servicePid: number;

  const listProcesses = () => cluster.api.call<{ processes: { pid: number }[] }>("listProcesses", { account: "alpha", name: "web" });

  /** The service still runs as the very process it ran as before, never restarted. */
  async function assertUntouched(when: string): Promise<void> {
    const service = await cluster.api.getService("alpha", "web");
    assert.equal(service.status!.mainPid, servicePid, `${when}: alpha/web keeps its pid`);
    assert.equal(service.status!.restarts, 0, `${when}: alpha/web was never restarted`);
    assert.deepEqual(servicePids(host.name, "alpha", "web"), [servicePid], `${when}: its cgroup holds the one original process`);
  }

  before(async () => {
    cluster = await SystemCluster.start(1);
    try {
      await cluster.startCoordinator();
      host = await cluster.addHost("a");
      await cluster.startAgent(host);
      await cluster.waitForHostState(host, "up");
      await cluster.addAccount("alpha");
      await cluster.createRunningService("alpha", "web", "exec sleep 100000");
      servicePid = (await cluster.api.getService("alpha", "web")).status!.mainPid;
      assert.ok(servicePid > 0);
    } catch (error) {
      await cluster.close();
      throw error;
    }
  });
  after(async () => {
    for (const pid of [...frozen]) thaw(pid);
    await cluster?.close();
  });

  it("fails a command for a frozen agent's host with UNAVAILABLE within 10 s, and serves it again once the agent resumes", async () => {
    assert.ok((await listProcesses()).processes.some((process) => process.pid === servicePid), "the link answers before the freeze");
    const agent = host.process!;
    const stoppedAt = freeze(agent);
    let detectedAt: number;
    try {
      // A command sent to the silent agent waits for keepalive to drop its session; later ones fail at once.
      const failure = await waitFor("a command for the frozen host to fail", async () => {
        try {
          await listProcesses();
          return undefined;
        } catch (error) {
          return error as ServiceError;
        }
      }, { timeoutMs: 30_000, intervalMs: POLL_MS });
      detectedAt = Date.now();
      assert.equal(failure.code, status.UNAVAILABLE, `the command fails with UNAVAILABLE (${failure.details})`);
      assert.match(failure.details, /not connected/);
    } finally {
      thaw(agent.pid);
    }
    const detectionMs = detectedAt - stoppedAt;
    console.log(`coordinator noticed the SIGSTOPped agent ${detectionMs} ms after the SIGSTOP (first ListProcesses UNAVAILABLE)`);
    assert.ok(detectionMs < DETECTION_LIMIT_MS + POLL_MS, `detected after ${detectionMs} ms\n${cluster.logs()}`);

    const answer = await waitFor("ListProcesses to answer again after SIGCONT", async () => (await listProcesses()).processes, { timeoutMs: 60_000, intervalMs: 200 });
    assert.ok(answer.some((process) => process.pid === servicePid), "the resumed agent lists the original process");
    assert.ok(agent.running, "the agent process survived the freeze");
    await assertUntouched("after the agent's freeze");
  });

  it("lets the agent notice a frozen coordinator within 10 s, keeps the services running, and reconnects after it resumes", async () => {
    const agent = host.process!;
    const coordinator = cluster.coordinator;
    const linkLost = /"msg":"link lost/;
    const hostConnected = new RegExp(`"host":"${host.name}"[^\\n]*"msg":"host connected"`);
    const lostBefore = occurrences(agent.output, linkLost);
    const connectedBefore = occurrences(coordinator.output, hostConnected);
    const stoppedAt = freeze(coordinator);
    try {
      await waitFor("the agent to report the link lost", () => (occurrences(agent.output, linkLost) > lostBefore ? true : undefined), { timeoutMs: 30_000, intervalMs: POLL_MS });
      const detectionMs = Date.now() - stoppedAt;
      console.log(`agent noticed the SIGSTOPped coordinator ${detectionMs} ms after the SIGSTOP ("link lost" on its output)`);
      assert.ok(detectionMs < DETECTION_LIMIT_MS + POLL_MS, `detected after ${detectionMs} ms\n${cluster.logs()}`);
      assert.deepEqual(servicePids(host.name, "alpha", "web"), [servicePid], "the service runs untouched while the coordinator is frozen");
    } finally {
      thaw(coordinator.pid);
    }
    await waitFor("the agent to say Hello to the resumed coordinator", () => (occurrences(coordinator.output, hostConnected) > connectedBefore ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
    const answer = await waitFor("ListProcesses to answer after the reconnect", async () => (await listProcesses()).processes, { timeoutMs: 60_000, intervalMs: 200 });
    assert.ok(answer.some((process) => process.pid === servicePid), "the agent lists the original process");
    assert.ok(coordinator.running && agent.running, "both processes survived the freeze");
    await assertUntouched("after the coordinator's freeze");
  });
});
