// Logic tests of health checks through the supervisor with the fake driver and clock: schedule,
// one at a time, failure and timeout restart the service with the output tail, and count as failures.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CompiledHealthCheck } from "@vigil/shared";
import { testDesired } from "../testing/desired-fixtures.js";
import { fakeHost } from "../testing/fake-host.js";
import { OutputTail } from "./output-tail.js";

const KEY = "alice/web";
const CHECK_UNIT = "alice/web.health";
const check: CompiledHealthCheck = { command: "curl -fsS localhost:$PORT/health", intervalMs: 10_000, timeoutMs: 2_000, graceMs: 5_000 };

void describe("health checks", () => {
  void it("run first after the grace period, then every interval, as the service's user, environment and directory", async () => {
    const fake = fakeHost();
    fake.driver.behave(CHECK_UNIT, { exitAfterMs: 100, exitCode: 0 });
    await fake.host.apply([testDesired({ healthCheck: check, workingDirectory: "app" }, { ports: [8321] })]);
    await fake.clock.advance(4_999);
    assert.equal(fake.driver.launchCount(CHECK_UNIT), 0);
    await fake.clock.advance(1);
    assert.equal(fake.driver.launchCount(CHECK_UNIT), 1);
    await fake.clock.advance(100 + 10_000);
    assert.equal(fake.driver.launchCount(CHECK_UNIT), 2);
    const request = fake.driver.launches.find((launch) => launch.unit === CHECK_UNIT);
    assert.deepEqual([request?.command, request?.cwd, request?.env.PORT, request?.user?.uid], [check.command, "/home/alice/app", "8321", 1500]);
    assert.equal(fake.driver.launchCount(KEY), 1);
  });

  void it("never run two at once: the next interval starts after the previous check finished", async () => {
    const fake = fakeHost();
    fake.driver.behave(CHECK_UNIT, { exitAfterMs: 1_500, exitCode: 0 });
    await fake.host.apply([testDesired({ healthCheck: { ...check, intervalMs: 1_000, graceMs: 1_000 } })]);
    await fake.clock.advance(1_000 + 1_500 + 1_000 + 1_500 + 500);
    assert.equal(fake.driver.launchCount(CHECK_UNIT), 2);
    assert.ok(fake.driver.aliveCount(CHECK_UNIT) <= 1);
  });

  void it("a failing check restarts the service and records the tail of its output", async () => {
    const fake = fakeHost();
    const output = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    fake.driver.behave(CHECK_UNIT, (launch) => (launch === 0 ? { exitAfterMs: 10, exitCode: 22, output } : { exitAfterMs: 10, exitCode: 0 }));
    await fake.host.apply([testDesired({ healthCheck: check })]);
    const firstPid = (await fake.host.statusOf(KEY)).mainPid;
    await fake.clock.advance(5_010);
    const failed = fake.events.find((event) => event.kind === "health-check-failed");
    assert.equal(failed?.reason, "health-check-failed");
    assert.equal(failed?.message, "health check failed (exit code 22); restarting the service");
    assert.equal(failed?.output, output.slice(-20).join("\n"));
    assert.deepEqual(fake.kinds(KEY), ["started", "health-check-failed", "exited", "restarting", "started"]);
    const status = await fake.host.statusOf(KEY);
    assert.notEqual(status.mainPid, firstPid);
    assert.equal(status.state, "running");
    assert.ok(fake.logs.of(KEY).notes.includes("health check output: line 30"));
  });

  void it("a check that outlives its timeout is killed with its whole tree and restarts the service", async () => {
    const fake = fakeHost();
    fake.driver.behave(CHECK_UNIT, { children: 2, ignoreSignals: ["SIGTERM"] });
    await fake.host.apply([testDesired({ healthCheck: check })]);
    await fake.clock.advance(5_000 + 2_000);
    const failed = fake.events.find((event) => event.kind === "health-check-failed");
    assert.equal(failed?.reason, "health-check-timeout");
    assert.equal(failed?.message, "health check failed (timed out after 2.0 s); restarting the service");
    assert.equal(fake.driver.aliveCount(CHECK_UNIT), 0);
    assert.equal(fake.driver.launchCount(KEY), 2);
  });

  void it("failed checks count towards the crash loop", async () => {
    const fake = fakeHost({ restart_policy: { max_failures: 3 } });
    fake.driver.behave(CHECK_UNIT, { exitAfterMs: 10, exitCode: 1 });
    await fake.host.apply([testDesired({ healthCheck: { ...check, graceMs: 1_000 } })]);
    await fake.clock.advance(60_000);
    const status = await fake.host.statusOf(KEY);
    assert.deepEqual([status.state, status.disabledReason, fake.driver.launchCount(KEY)], ["disabled", "crash-loop", 3]);
  });

  void it("stopping the service kills a check that is running", async () => {
    const fake = fakeHost();
    await fake.host.apply([testDesired({ healthCheck: check })]);
    await fake.clock.advance(5_500);
    assert.equal(fake.driver.aliveCount(CHECK_UNIT), 1);
    await fake.applyAndWait([], 5_000);
    assert.equal(fake.driver.aliveCount(CHECK_UNIT), 0);
    assert.equal(fake.driver.aliveCount(KEY), 0);
  });

  void it("a grace of 0 in the spec falls back to the host's default grace", async () => {
    const fake = fakeHost({ health_check_grace_ms: 3_000 });
    fake.driver.behave(CHECK_UNIT, { exitAfterMs: 10, exitCode: 0 });
    await fake.host.apply([testDesired({ healthCheck: { ...check, graceMs: 0 } })]);
    await fake.clock.advance(2_999);
    assert.equal(fake.driver.launchCount(CHECK_UNIT), 0);
    await fake.clock.advance(1);
    assert.equal(fake.driver.launchCount(CHECK_UNIT), 1);
  });
});

void describe("output tail", () => {
  void it("keeps the last lines within the byte budget", () => {
    const tail = new OutputTail(3, 12);
    tail.push("one\ntwo\nthree\nfour\n");
    assert.equal(tail.value(), "three\nfour");
    tail.push("a very long line without end");
    assert.equal(tail.value(), "ne without end".slice(-12));
  });
});
