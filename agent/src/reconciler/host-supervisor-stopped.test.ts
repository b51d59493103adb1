// Logic tests of services desired stopped, with the fake driver and clock: stopped with escalation,
// kept known (status, log, processes), neither a failure nor disabled, and started again on demand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { settle } from "../runtime/fake-clock.js";
import { ServiceNotRunning, ServiceStopped } from "../supervisor/supervisor-errors.js";
import { testDesired } from "../testing/desired-fixtures.js";
import { fakeHost } from "../testing/fake-host.js";

const running = testDesired({ name: "web", stopTimeoutMs: 5_000 });
const stopped = testDesired({ name: "web", stopTimeoutMs: 5_000 }, { desiredState: "stopped" });

void describe("HostSupervisor with a service desired stopped", () => {
  void it("stops it with the stop signal, escalates, and keeps it known in state stopped", async () => {
    const fake = fakeHost();
    fake.driver.behave("alice/web", { children: 1, ignoreSignals: ["SIGTERM"] });
    await fake.host.apply([running]);
    const result = fake.host.apply([stopped]);
    await settle();
    await fake.clock.advance(5_000);
    assert.deepEqual((await result).plan.halt.map((desired) => desired.spec.name), ["web"]);
    const status = await fake.host.statusOf("alice/web");
    assert.deepEqual([status.state, status.mainPid, status.processes, fake.driver.aliveCount("alice/web")], ["stopped", null, [], 0]);
    assert.deepEqual(fake.kinds("alice/web"), ["started", "stopping", "stopped"]);
    const tail = await fake.host.readLog("alice/web", { tail: 3 });
    assert.match(tail.lines.at(-1) ?? "", /stopped$/);
    assert.ok(tail.lines.some((line) => line.includes("SIGKILL")), `escalation is in the log: ${tail.lines.join(" | ")}`);
  });

  void it("is neither restarted nor disabled however long it stays stopped", async () => {
    const fake = fakeHost({ restart_policy: { max_failures: 2 } });
    await fake.host.apply([running]);
    await fake.applyAndWait([stopped]);
    await fake.clock.advance(600_000);
    const status = await fake.host.statusOf("alice/web");
    assert.deepEqual([status.state, status.disabledReason, status.restarts, fake.driver.launchCount("alice/web")], ["stopped", "", 0, 1]);
  });

  void it("refuses restart and signals while stopped, naming the way out", async () => {
    const fake = fakeHost();
    await fake.host.apply([running]);
    await fake.applyAndWait([stopped]);
    await assert.rejects(fake.host.restart("alice/web"), (error) => error instanceof ServiceStopped && /start it first/.test(error.message));
    await assert.rejects(fake.host.signal("alice/web", "SIGUSR1", true), ServiceNotRunning);
    assert.equal(fake.driver.launchCount("alice/web"), 1);
  });

  void it("desired running again starts it with a new process, and reading the log goes on", async () => {
    const fake = fakeHost();
    await fake.host.apply([running]);
    const firstPid = (await fake.host.statusOf("alice/web")).mainPid;
    await fake.applyAndWait([stopped]);
    const end = (await fake.host.readLog("alice/web", { tail: 1 })).next;
    const result = await fake.host.apply([running]);
    assert.deepEqual(result.plan.resume.map((desired) => desired.spec.name), ["web"]);
    const status = await fake.host.statusOf("alice/web");
    assert.equal(status.state, "running");
    assert.notEqual(status.mainPid, firstPid);
    assert.deepEqual((await fake.host.readLog("alice/web", { from: end, maxLines: 10 })).lines, [`[vigil] started with pid ${status.mainPid}`]);
  });

  void it("a new service desired stopped is known without ever being launched, its log open", async () => {
    const fake = fakeHost();
    await fake.host.apply([stopped]);
    assert.equal((await fake.host.statusOf("alice/web")).state, "stopped");
    assert.equal(fake.driver.launchCount("alice/web"), 0);
    assert.equal(fake.logs.of("alice/web").closed, false);
    await fake.host.apply([running]);
    assert.equal((await fake.host.statusOf("alice/web")).state, "running");
  });

  void it("stopping during a backoff cancels the pending restart for good", async () => {
    const fake = fakeHost();
    await fake.host.apply([running]);
    fake.driver.crash("alice/web");
    await settle();
    fake.driver.crash("alice/web");
    await settle();
    assert.equal((await fake.host.statusOf("alice/web")).state, "backoff");
    await fake.host.apply([stopped]);
    await fake.clock.advance(600_000);
    assert.deepEqual([(await fake.host.statusOf("alice/web")).state, fake.driver.launchCount("alice/web"), fake.clock.pendingTimers], ["stopped", 2, 0]);
  });

  void it("a disabled service that is stopped stays stopped when enabled", async () => {
    const fake = fakeHost();
    await fake.host.apply([running]);
    await fake.applyAndWait([testDesired({ name: "web", stopTimeoutMs: 5_000, isDisabled: true }, { disabledReason: "user", desiredState: "stopped" })]);
    assert.equal((await fake.host.statusOf("alice/web")).state, "disabled");
    await fake.host.apply([stopped]);
    assert.equal((await fake.host.statusOf("alice/web")).state, "stopped");
    assert.equal(fake.driver.launchCount("alice/web"), 1);
  });
});
