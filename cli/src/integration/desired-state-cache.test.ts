// Static stability: an agent that starts while its coordinator is unreachable runs the desired
// state it last applied (cached on disk) at once, and converges to the coordinator's when it is back.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RunningAgent } from "@vigil/agent";
import { ControlPlaneHarness, eventually } from "../testing/control-plane-harness.js";

async function runningPid(agent: RunningAgent, key: string): Promise<number | undefined> {
  const status = (await agent.supervisor.status()).find((entry) => entry.key === key);
  return status?.state === "running" && status.mainPid !== null ? status.mainPid : undefined;
}

describe("the agent's desired-state cache", () => {
  let harness: ControlPlaneHarness;
  before(async () => {
    harness = await ControlPlaneHarness.start();
    await harness.addAccount("acme");
    await harness.addHost("cache-host");
  });
  after(async () => harness.close());

  it("runs the cached services within 2 s of starting with the coordinator down, then converges when it returns", async (t) => {
    const stateDir = harness.tempDir("vigil-agent-cache-");
    const first = await harness.startAgent("cache-host", { stateDir });
    await eventually("the host connected", () => (harness.coordinator.link.isConnected("cache-host") ? true : undefined));
    await harness.coordinator.control.createService({ account: "acme", spec: { name: "web", command: "exec sleep 1000" } });
    await harness.coordinator.control.createService({ account: "acme", spec: { name: "jobs", command: "exec sleep 1000" } });
    await eventually("both running on the first agent", async () => ((await runningPid(first, "acme/web")) && (await runningPid(first, "acme/jobs")) ? true : undefined));
    await harness.stopAgent(first);

    // The coordinator goes away; the agent starts again on the same state directory.
    const address = harness.address;
    await harness.coordinator.close();
    const started = Date.now();
    const second = await harness.startAgent("cache-host", { stateDir });
    await eventually("the cached services running without a coordinator", async () => ((await runningPid(second, "acme/web")) && (await runningPid(second, "acme/jobs")) ? true : undefined), 30_000);
    const elapsed = Date.now() - started;
    t.diagnostic(`cached desired state running ${elapsed} ms after the agent started (coordinator down)`);
    assert.equal(second.link.state === "connected", false, "the coordinator is really down");

    // Meanwhile one service was deleted; the coordinator comes back on the same address.
    await harness.coordinator.control.deleteService({ account: "acme", name: "jobs" }).catch(() => undefined);
    await harness.startCoordinator(address);
    await eventually("converged: jobs gone, web still running", async () => ((await runningPid(second, "acme/web")) !== undefined && (await second.supervisor.status()).every((entry) => entry.key !== "acme/jobs") ? true : undefined), 30_000);
  });
});
