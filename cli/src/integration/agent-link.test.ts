// AgentLink end to end in one process: a real store, a coordinator on loopback and real agents
// running real processes; authentication, per-host desired state, changes, resync, commands.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { credentials, type ServiceError, status } from "@grpc/grpc-js";
import { type RunningAgent } from "@vigil/agent";
import { type ControlError, DEFAULT_COMMAND_TIMEOUT_MS, listEvents } from "@vigil/coordinator";
import { AgentLinkClient } from "@vigil/shared";
import { ControlPlaneHarness, eventually } from "../testing/control-plane-harness.js";

const sleepSpec = (name: string) => ({ name, command: "exec sleep 1000" });

async function runningPid(agent: RunningAgent, key: string): Promise<number | undefined> {
  const status = (await agent.supervisor.status()).find((entry) => entry.key === key);
  return status?.state === "running" && status.mainPid !== null ? status.mainPid : undefined;
}

describe("AgentLink", () => {
  let harness: ControlPlaneHarness;
  let agentA: RunningAgent;
  let agentB: RunningAgent;

  before(async () => {
    harness = await ControlPlaneHarness.start();
    await harness.addAccount("acme");
    await harness.addAccount("bolt");
    await harness.addHost("host-a");
    await harness.addHost("host-b");
    agentA = await harness.startAgent("host-a");
    agentB = await harness.startAgent("host-b");
    await eventually("both hosts connected", () => (harness.coordinator.link.connectedHosts().length === 2 ? true : undefined));
  });
  after(async () => harness.close());

  it("refuses a Hello with a wrong host token with UNAUTHENTICATED", async () => {
    const client = new AgentLinkClient(harness.address, credentials.createInsecure());
    const call = client.connect();
    const error = await new Promise<ServiceError>((resolve) => {
      call.on("error", resolve);
      call.on("data", () => undefined);
      call.write({ body: { $case: "hello", value: { hostName: "host-a", token: "vigil_not-a-real-token", agentVersion: "t", capacity: undefined, running: [], appliedRevision: 0, firewall: undefined, limits: undefined, network: undefined } } });
    });
    client.close();
    assert.equal(error.code, status.UNAUTHENTICATED);
  });

  it("refuses host-a's token when presented by an agent calling itself host-b", async () => {
    const token = await harness.addHost("host-x");
    const client = new AgentLinkClient(harness.address, credentials.createInsecure());
    const call = client.connect();
    const error = await new Promise<ServiceError>((resolve) => {
      call.on("error", resolve);
      call.on("data", () => undefined);
      call.write({ body: { $case: "hello", value: { hostName: "host-b", token, agentVersion: "t", capacity: undefined, running: [], appliedRevision: 0, firewall: undefined, limits: undefined, network: undefined } } });
    });
    client.close();
    assert.equal(error.code, status.UNAUTHENTICATED);
  });

  it("places each account on one host and sends each host only its own services", async () => {
    const control = harness.coordinator.control;
    const web = await control.createService({ account: "acme", spec: sleepSpec("web") });
    const jobs = await control.createService({ account: "bolt", spec: sleepSpec("jobs") });
    const worker = await control.createService({ account: "acme", spec: sleepSpec("worker") });
    assert.equal(worker.service.host, web.service.host, "an account's services share its host");
    assert.notEqual(jobs.service.host, web.service.host, "the second account goes to the less loaded host");
    const [acmeAgent, boltAgent] = web.service.host === "host-a" ? [agentA, agentB] : [agentB, agentA];
    await eventually("acme's services running", async () => ((await runningPid(acmeAgent, "acme/web")) && (await runningPid(acmeAgent, "acme/worker")) ? true : undefined));
    await eventually("bolt's service running", () => runningPid(boltAgent, "bolt/jobs"));
    assert.deepEqual((await acmeAgent.supervisor.status()).map((entry) => entry.key), ["acme/web", "acme/worker"]);
    assert.deepEqual((await boltAgent.supervisor.status()).map((entry) => entry.key), ["bolt/jobs"]);
  });

  it("delivers a change as a new revision that the agent acknowledges, restarting only what changed", async () => {
    const control = harness.coordinator.control;
    const view = await control.getService({ account: "acme", name: "web" });
    const agent = view.service.host === "host-a" ? agentA : agentB;
    const workerPid = await eventually("worker running", () => runningPid(agent, "acme/worker"));
    const before = harness.coordinator.link.ackedRevision(view.service.host!) ?? 0;
    await control.updateService({ account: "acme", name: "web" }, { command: "exec sleep 999" });
    await eventually("a newer revision acknowledged", () => ((harness.coordinator.link.ackedRevision(view.service.host!) ?? 0) > before ? true : undefined));
    await eventually("web running the new command", async () => {
      const status = (await agent.supervisor.status()).find((entry) => entry.key === "acme/web");
      return status?.state === "running" && status.processes.some((process) => process.command.includes("999")) ? true : undefined;
    });
    assert.equal(await runningPid(agent, "acme/worker"), workerPid, "the unchanged service kept its process");
  });

  it("resyncs after a coordinator restart without restarting anything", async () => {
    const pidsBefore = await Promise.all(["acme/web", "acme/worker", "bolt/jobs"].map(async (key) => [key, (await runningPid(agentA, key)) ?? (await runningPid(agentB, key))]));
    const port = harness.coordinator.port;
    await harness.coordinator.close();
    await eventually("agents notice the lost link", () => (agentA.link.state !== "connected" && agentB.link.state !== "connected" ? true : undefined));
    await harness.startCoordinator(`127.0.0.1:${port}`);
    await eventually("both agents back", () => (harness.coordinator.link.connectedHosts().length >= 2 && harness.coordinator.link.ackedRevision("host-a") && harness.coordinator.link.ackedRevision("host-b") ? true : undefined));
    const pidsAfter = await Promise.all(["acme/web", "acme/worker", "bolt/jobs"].map(async (key) => [key, (await runningPid(agentA, key)) ?? (await runningPid(agentB, key))]));
    assert.deepEqual(pidsAfter, pidsBefore);
  });

  it("runs restart, tail and process-list commands on the service's host", async () => {
    const control = harness.coordinator.control;
    const ref = { account: "bolt", name: "jobs" };
    const agent = (await control.getService(ref)).service.host === "host-a" ? agentA : agentB;
    const pid = await eventually("jobs running", () => runningPid(agent, "bolt/jobs"));
    const processes = await control.listProcesses(ref);
    assert.ok(processes.some((process) => process.pid === pid));
    await control.restartService(ref);
    const newPid = await eventually("jobs running again", async () => {
      const current = await runningPid(agent, "bolt/jobs");
      return current !== undefined && current !== pid ? current : undefined;
    });
    assert.notEqual(newPid, pid);
    const log = await control.tailLog(ref, 50);
    assert.ok(log.lines.length > 0, "the log has Vigil's start lines");
  });

  it("fails a command for a host that is not connected with UNAVAILABLE, at once", async () => {
    await harness.addAccount("cave", "private");
    await harness.addHost("cave-1", "cave");
    const control = harness.coordinator.control;
    await control.createService({ account: "cave", spec: sleepSpec("db") });
    const started = Date.now();
    await assert.rejects(control.restartService({ account: "cave", name: "db" }), (error: ControlError) => error.code === "unavailable" && /cave-1/.test(error.message));
    // "At once": well before the 15 s command deadline, with room for a loaded CI machine.
    assert.ok(Date.now() - started < DEFAULT_COMMAND_TIMEOUT_MS / 2);
  });

  it("records the agent's events in the event history", async () => {
    const events = await eventually("started events stored", async () => {
      const rows = await listEvents(harness.store.db, { account: "bolt", service: "jobs", kind: "started" });
      return rows.length >= 2 ? rows : undefined;
    });
    assert.ok(events.every((event) => event.host === "host-a" || event.host === "host-b"));
  });
});
