// Limits end to end: a coordinator and a real agent in one process, services running as nobody in
// the cgroup mode of this host. An OOM kill reads "oom-killed" in `vigil service show`, in `vigil
// events` and in the service's log, and the restart policy starts the service again; a limit change
// reaches the running service without a restart, and the API says no restart was needed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { eventMessage, getAccount, listEvents, serviceMessage } from "@vigil/coordinator";
import { eventLine } from "../operator/observe-commands.js";
import { PLAIN } from "../output/colour.js";
import { serviceDetails, serviceTable } from "../output/service-views.js";
import { ControlPlaneHarness, eventually } from "../testing/control-plane-harness.js";

describe("resource limits through the API", () => {
  let harness: ControlPlaneHarness;

  before(async () => {
    harness = await ControlPlaneHarness.start({
      hostTimeoutMs: 10_000,
      restartPolicy: { first_restart_delay_ms: 0, backoff_base_ms: 100, backoff_cap_ms: 500, max_failures: 10, failure_window_ms: 60_000 },
    });
    await harness.addAccount("acme");
    await harness.addHost("host-a");
    await harness.startAgent("host-a");
    await eventually("host connected", () => (harness.coordinator.link.isConnected("host-a") ? true : undefined));
  });
  after(async () => harness.close());

  it("shows an OOM kill as oom-killed in service show, events and the log, and restarts the service", async () => {
    const ref = { account: "acme", name: "leak" };
    const command = `exec node -e "const kept = []; setInterval(() => kept.push(Buffer.alloc(8 * 1048576).fill(1)), 5)"`;
    await harness.coordinator.control.createService({ account: "acme", spec: { name: "leak", command, memory_max: "96M" } });
    const killed = await eventually(
      "an oom-killed event",
      async () => (await listEvents(harness.store.db, { account: "acme", service: "leak" })).find((event) => (event.payload as { reason?: string }).reason === "oom-killed"),
      60_000,
    );
    const restarted = await eventually("the service restarted after the OOM kill", async () => {
      const view = await harness.coordinator.control.getService(ref);
      return (view.status?.restarts ?? 0) >= 1 && view.status?.lastExit?.reason === "oom-killed" ? view : undefined;
    }, 60_000);

    const shown = serviceDetails(serviceMessage(restarted), PLAIN);
    assert.match(shown, /^last exit: +signal SIGKILL \(oom-killed\)/m);
    assert.match(shown, /^limits: +memory max 96 MiB$/m);
    const line = eventLine(eventMessage(killed));
    assert.match(line, /signal=SIGKILL/);
    assert.match(line, /reason=oom-killed/);
    const home = (await getAccount(harness.store.db, "acme")).home;
    const log = readFileSync(join(home, "admin", "logs", "services", "leak.log"), "utf8");
    assert.match(log, /oom-killed: the kernel killed the service for running out of memory \(its memory maximum is 96 MiB\)/);
    console.log(`OOM: ${line.trim()}`);
    await harness.coordinator.control.deleteService(ref);
  });

  it("applies a changed CPU maximum to the running service without a restart, and says none was needed", async () => {
    const ref = { account: "acme", name: "busy" };
    await harness.coordinator.control.createService({ account: "acme", spec: { name: "busy", command: "while :; do :; done", cpu_max: 0.2 } });
    const running = await eventually("busy running", async () => {
      const view = await harness.coordinator.control.getService(ref);
      return view.status?.state === "running" && view.status.mainPid ? view.status.mainPid : undefined;
    });
    const updated = await harness.coordinator.control.updateService(ref, { cpu_max: 0.5 });
    assert.equal(updated.restartRequired, false);
    assert.equal(serviceMessage(updated).limits?.cpuMaxCores, 0.5);
    const home = (await getAccount(harness.store.db, "acme")).home;
    await eventually("the agent applied the new limits", () => (readFileSync(join(home, "admin", "logs", "services", "busy.log"), "utf8").includes("new limits applied to the running service") ? true : undefined));
    const after = await harness.coordinator.control.getService(ref);
    assert.equal(after.status?.mainPid, running);
    assert.equal(after.status?.restarts, 0);
    const commandChange = await harness.coordinator.control.updateService(ref, { command: "while :; do sleep 1; done" });
    assert.equal(commandChange.restartRequired, true);
    await harness.coordinator.control.deleteService(ref);
  });

  it("shows a fork bomb's reached task limit while it runs: a task-limit-reached event and the flag in service ls and show", async () => {
    const ref = { account: "acme", name: "bomb" };
    const command = "bash -c '(b() { b | b & }; b) & exec sleep 600'";
    await harness.coordinator.control.createService({ account: "acme", spec: { name: "bomb", command, tasks_max: 32 } });
    const reached = await eventually("a task-limit-reached event", async () => (await listEvents(harness.store.db, { account: "acme", service: "bomb" })).find((event) => event.kind === "task-limit-reached"), 30_000);
    const flagged = await eventually("the status flag", async () => {
      const view = await harness.coordinator.control.getService(ref);
      return view.status?.state === "running" && (view.status.taskLimitHits ?? 0) > 0 ? view : undefined;
    });
    const line = eventLine(eventMessage(reached));
    console.log(`task limit: ${line.trim()}`);
    assert.match(line, /task-limit-reached .*its task limit of 32 was reached/);
    assert.match(serviceTable([serviceMessage(flagged)], PLAIN), /running \(task-limit\)/);
    assert.match(serviceDetails(serviceMessage(flagged), PLAIN), /^tasks: +task limit reached: \d+ forks refused in this run$/m);
    await harness.coordinator.control.deleteService(ref);
  });

  it("applies a changed account memory maximum to the account cgroup of its running service, without a restart", async () => {
    const ref = { account: "acme", name: "steady" };
    await harness.coordinator.control.createService({ account: "acme", spec: { name: "steady", command: "exec sleep 600" } });
    const pid = await eventually("steady running", async () => {
      const view = await harness.coordinator.control.getService(ref);
      return view.status?.state === "running" && view.status.mainPid ? view.status.mainPid : undefined;
    });
    const memory = /^\d+:memory:(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, "utf8"))?.[1];
    assert.ok(memory !== undefined, "the service is in no v1 memory cgroup");
    const accountFile = join("/sys/fs/cgroup/memory", dirname(memory), "memory.limit_in_bytes");
    const accountMax = () => Number(readFileSync(accountFile, "utf8"));
    for (const mib of [512, 256]) {
      await harness.coordinator.control.updateAccountLimits({ name: "acme", limits: { memoryMaxBytes: mib * 1024 * 1024 }, removeLimits: [] });
      await eventually(`the account cgroup at ${mib} MiB`, () => (accountMax() === mib * 1024 * 1024 ? true : undefined));
    }
    const after = await harness.coordinator.control.getService(ref);
    assert.deepEqual([after.status?.mainPid, after.status?.restarts], [pid, 0]);
    console.log(`account update: ${accountFile} = ${accountMax()} after 512 MiB then 256 MiB, pid ${pid} unchanged`);
    await harness.coordinator.control.deleteService(ref);
  });
});
