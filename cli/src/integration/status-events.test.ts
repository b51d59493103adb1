// Status events and liveness end to end in one process: idempotent recording, crash-loop
// disablement landing in the database and staying disabled, a silent host going down (unknown)
// and coming back; also measures create-to-running and event-propagation latency.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RunningAgent } from "@vigil/agent";
import { getService, getServiceStatus, listEvents } from "@vigil/coordinator";
import { BusMessage } from "@vigil/shared";
import { ControlPlaneHarness, eventually } from "../testing/control-plane-harness.js";

describe("status events and liveness", () => {
  let harness: ControlPlaneHarness;
  let first: RunningAgent;

  before(async () => {
    harness = await ControlPlaneHarness.start({
      // Eight heartbeats (every 500 ms) of slack: a loaded CI machine must not see a live host as down.
      hostTimeoutMs: 4_000,
      restartPolicy: { first_restart_delay_ms: 0, backoff_base_ms: 50, backoff_cap_ms: 100, max_failures: 3, failure_window_ms: 60_000 },
    });
    await harness.addAccount("acme");
    await harness.addHost("host-a");
    first = await harness.startAgent("host-a");
    await eventually("host connected", () => (harness.coordinator.link.isConnected("host-a") ? true : undefined));
  });
  after(async () => harness.close());

  it("stores a redelivered event once", async () => {
    await harness.coordinator.control.createService({ account: "acme", spec: { name: "dup", command: "exec sleep 1000" } });
    const message = BusMessage.encode({
      body: {
        $case: "serviceEvent",
        value: { id: "host-a-test-1", host: "host-a", service: { account: "acme", name: "dup" }, kind: "stopped", state: "stopped", atMs: Date.now(), message: "", pid: 0, exit: undefined, reason: "", restarts: 0, delayMs: 0, output: "", sequence: 1 },
      },
    }).finish();
    const delivery = { subject: "vigil.events.host-a.service", messageId: "host-a-test-1", data: message, redelivered: false, attempt: 1 };
    await harness.coordinator.recorder.handle(delivery);
    await harness.coordinator.recorder.handle({ ...delivery, redelivered: true, attempt: 2 });
    const rows = (await listEvents(harness.store.db, { account: "acme", service: "dup" })).filter((event) => event.id === "host-a-test-1");
    assert.equal(rows.length, 1);
  });

  it("measures create-to-running and event-propagation latency", async (t) => {
    const created = Date.now();
    await harness.coordinator.control.createService({ account: "acme", spec: { name: "timed", command: "exec sleep 1000" } });
    // A heartbeat may report it running before its "started" event is stored (telemetry is sent at
    // once, events through the agent's durable outbox): wait for both.
    const { status, started } = await eventually("timed running in the database, with its started event", async () => {
      const current = await getServiceStatus(harness.store.db, { account: "acme", name: "timed" });
      const [event] = current?.state === "running" ? await listEvents(harness.store.db, { account: "acme", service: "timed", kind: "started" }) : [];
      return current && event ? { status: current, started: event } : undefined;
    });
    const running = Date.now();
    assert.ok(status.mainPid, JSON.stringify({ started, status }));
    t.diagnostic(`create-to-running (API call to status row "running"): ${running - created} ms`);
    t.diagnostic(`event propagation (agent event time to status row updated): ${status.updatedAt.getTime() >= started.at.getTime() ? running - started.at.getTime() : "n/a"} ms (upper bound, includes polling)`);
  });

  it("turns a crash-loop disablement into is_disabled with its reason, and keeps it disabled", async () => {
    const ref = { account: "acme", name: "crasher" };
    await harness.coordinator.control.createService({ account: "acme", spec: { name: "crasher", command: "exit 3" } });
    const record = await eventually("crasher disabled in the database", async () => {
      const service = await getService(harness.store.db, ref);
      return service.spec.isDisabled ? service : undefined;
    });
    assert.equal(record.disabledReason, "crash-loop");
    const view = await harness.coordinator.control.getService(ref);
    assert.equal(view.status?.state, "disabled");
    const revision = (await getService(harness.store.db, ref)).revision;
    await eventually("the agent acknowledged the disabled state", () => ((harness.coordinator.link.ackedRevision("host-a") ?? 0) >= revision ? true : undefined));
    const enabled = await harness.coordinator.control.enableService(ref);
    assert.equal(enabled.service.spec.isDisabled, false);
  });

  it("marks a silent host down and its services unknown, and back up when it returns", async () => {
    const ref = { account: "acme", name: "timed" };
    await eventually("timed running", async () => ((await harness.coordinator.control.getService(ref)).status?.state === "running" ? true : undefined));
    // Silence the agent as a crash would: no link, no reports, while its processes keep running.
    await first.link.stop();
    await first.reporter.stop();
    const view = await eventually("host-a down, its service unknown", async () => {
      const current = await harness.coordinator.control.getService(ref);
      return current.hostState === "down" ? current : undefined;
    });
    assert.equal(view.status?.state, "unknown");
    assert.equal(view.status?.mainPid, null);
    const [listed] = (await harness.coordinator.control.listServices({ account: "acme" })).filter((entry) => entry.service.spec.name === "timed");
    assert.equal(listed?.status?.state, "unknown");
    await harness.stopAgent(first);
    await harness.startAgent("host-a");
    await eventually("host-a up and the service running again", async () => {
      const current = await harness.coordinator.control.getService(ref);
      return current.hostState === "up" && current.status?.state === "running" ? true : undefined;
    });
    // Operators read both passages in the event history, newest first; accounts never see them.
    const hostEvents = (await listEvents(harness.store.db, { host: "host-a" })).filter((event) => event.kind.startsWith("host-"));
    assert.deepEqual(
      hostEvents.map((event) => [event.kind, event.account, event.service]),
      [
        ["host-up", "", ""],
        ["host-down", "", ""],
        ["host-up", "", ""],
      ],
    );
    const messages = hostEvents.map((event) => String(event.payload["message"]));
    assert.match(messages[2]!, /^first contact: agent \S+ connected$/);
    assert.match(messages[1]!, /^missed its heartbeats for 4 s: marked down, \d+ service\(s\) now unknown$/);
    assert.match(messages[0]!, /^back up: /);
    assert.deepEqual((await listEvents(harness.store.db, { account: "acme" })).filter((event) => event.kind.startsWith("host-")), []);
  });
});
