// Real processes: a service comes back after SIGKILL (latency printed), a crash loop is disabled and enabling
// starts a fresh window, a requested restart sends SIGHUP, failed health checks restart, daemonising is reported.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import { after, before, describe, it } from "node:test";
import { isAlive } from "./driver/driver-test-kit.js";
import { pidsWithMarker, QUICK_CONFIG, type RealHost, realHost, waitUntil } from "./testing/real-host.js";

let real: RealHost;
before(async () => (real = await realHost()));
after(() => real.cleanup());

/** A sleep duration nobody else uses, so its processes can be found by command line. */
const marker = (): string => `${randomInt(10_000_000, 99_999_999)}`;
const keyOf = (name: string): string => `${real.user.name}/${name}`;

void describe("real processes: restarts", () => {
  void it("restarts the service after SIGKILL of its main process", async () => {
    await real.host.apply([real.desired({ name: "killed", command: `exec sleep ${marker()}` })]);
    const first = await real.waitForStatus("killed", (s) => s.state === "running", "running");
    const started = performance.now();
    process.kill(first.mainPid!, "SIGKILL");
    const second = await real.waitForStatus("killed", (s) => s.state === "running" && s.mainPid !== first.mainPid, "a new main process", 10_000);
    const latencyMs = performance.now() - started;
    console.log(`# restart latency (SIGKILL of the main process -> new main pid running): ${latencyMs.toFixed(1)} ms`);
    assert.ok(isAlive(second.mainPid!));
    assert.deepEqual([second.lastExit?.code, second.lastExit?.signal, second.restarts], [null, "SIGKILL", 1]);
    const lines = await real.host.tailLog(keyOf("killed"), 10);
    assert.ok(lines.some((line) => line.endsWith("[vigil] killed by signal SIGKILL")));
    assert.ok(lines.some((line) => line.endsWith(`[vigil] started with pid ${second.mainPid}`)));
  });

  void it("disables a crash loop after the configured number of starts", async () => {
    await real.host.apply([real.desired({ name: "crasher", command: "echo crashing; exit 3" })]);
    const status = await real.waitForStatus("crasher", (s) => s.state === "disabled", "disabled", 20_000);
    const starts = real.events.filter((event) => event.service === "crasher" && event.kind === "started");
    assert.equal(starts.length, QUICK_CONFIG.restart_policy.max_failures);
    assert.equal(status.disabledReason, "crash-loop");
    assert.deepEqual(status.lastExit?.code, 3);
    const lines = await real.host.tailLog(keyOf("crasher"), 3);
    assert.match(lines.at(-1) ?? "", /\[vigil\] disabled: crash-loop \(3 failures within 20 s\)/);
  });

  void it("enabling after a crash loop gives the service the whole failure window again", async () => {
    const crasher = real.desired({ name: "relooper", command: "echo crashing; exit 3" });
    const startsOf = () => real.events.filter((event) => event.service === "relooper" && event.kind === "started").length;
    await real.host.apply([crasher]);
    await real.waitForStatus("relooper", (s) => s.state === "disabled", "disabled", 20_000);
    const before = startsOf();
    // As the coordinator sends it: the crash loop recorded as is_disabled, then `vigil service enable`.
    await real.host.apply([{ ...crasher, spec: { ...crasher.spec, isDisabled: true }, disabledReason: "crash-loop" }]);
    await real.host.apply([crasher]);
    await real.waitForStatus("relooper", (s) => s.state === "disabled", "disabled again", 30_000);
    assert.equal(startsOf() - before, QUICK_CONFIG.restart_policy.max_failures, "as many starts as the first time, not one");
  });

  void it("a requested restart sends SIGHUP first", async () => {
    const command = `trap 'echo "got SIGHUP"; exit 0' HUP; trap 'echo "got SIGTERM"; exit 0' TERM; echo ready; while :; do sleep 0.05; done`;
    await real.host.apply([real.desired({ name: "hup", command })]);
    const first = await real.waitForStatus("hup", (s) => s.state === "running", "running");
    await waitUntil(async () => ((await real.host.tailLog(keyOf("hup"), 5)).includes("ready") ? true : undefined), "the trap to be set");
    await real.host.restart(keyOf("hup"));
    const second = await real.status("hup");
    assert.equal(second.state, "running");
    assert.notEqual(second.mainPid, first.mainPid);
    const lines = await real.host.tailLog(keyOf("hup"), 20);
    assert.ok(lines.includes("got SIGHUP"), lines.join("\n"));
    assert.ok(!lines.includes("got SIGTERM"));
    assert.equal(second.restarts, 1);
    assert.ok(!real.events.some((event) => event.service === "hup" && event.kind === "exited"), "a requested restart is not a failure");
  });

  void it("a failing health check restarts the service and records its output", async () => {
    const healthCheck = { command: 'echo "health: database unreachable"; exit 1', intervalMs: 500, timeoutMs: 2_000, graceMs: 300 };
    await real.host.apply([real.desired({ name: "unhealthy", command: `exec sleep ${marker()}`, healthCheck })]);
    const first = await real.waitForStatus("unhealthy", (s) => s.state === "running", "running");
    const failed = await real.waitForEvent("unhealthy", "health-check-failed", 10_000);
    assert.equal(failed.output, "health: database unreachable");
    assert.equal(failed.reason, "health-check-failed");
    const second = await real.waitForStatus("unhealthy", (s) => s.state === "running" && s.mainPid !== first.mainPid, "restarted");
    assert.ok(!isAlive(first.mainPid!));
    assert.ok(second.restarts >= 1);
  });

  void it("a health check that times out is killed with its children and restarts the service", async () => {
    const checkMarker = marker();
    const healthCheck = { command: `sleep ${checkMarker} & sleep ${checkMarker}`, intervalMs: 500, timeoutMs: 400, graceMs: 300 };
    await real.host.apply([real.desired({ name: "slowcheck", command: `exec sleep ${marker()}`, healthCheck })]);
    const first = await real.waitForStatus("slowcheck", (s) => s.state === "running", "running");
    const failed = await real.waitForEvent("slowcheck", "health-check-failed", 10_000);
    assert.equal(failed.reason, "health-check-timeout");
    await real.waitForStatus("slowcheck", (s) => s.state === "running" && s.mainPid !== first.mainPid, "restarted");
    // The next check may already run; the timed-out one's processes must be gone.
    await real.host.apply([]);
    await waitUntil(() => (pidsWithMarker(checkMarker).length === 0 ? true : undefined), "no health check process left", 15_000);
  });

  void it("reports a daemonising command and ends its leftovers before the restart", async () => {
    const leftoverMarker = marker();
    let aliveAtRestart: number[] | null = null;
    let leftovers: number[] = [];
    const unsubscribe = real.host.onEvent((event) => {
      if (event.service !== "daemon") return;
      if (event.kind === "daemonized" && leftovers.length === 0) leftovers = pidsWithMarker(leftoverMarker);
      if (event.kind === "restarting" && aliveAtRestart === null) aliveAtRestart = leftovers.filter(isAlive);
    });
    await real.host.apply([real.desired({ name: "daemon", command: `sleep ${leftoverMarker} & echo forked; exit 0` })]);
    const daemonized = await real.waitForEvent("daemon", "daemonized", 10_000);
    await real.waitForEvent("daemon", "restarting", 10_000);
    unsubscribe();
    assert.match(daemonized.message, /services must stay in the foreground, run the program without daemonising/);
    assert.ok(leftovers.length >= 1, "the leftover was found while it ran");
    assert.deepEqual(aliveAtRestart, []);
    const lines = await real.host.tailLog(keyOf("daemon"), 30);
    assert.ok(lines.some((line) => line.includes("[vigil] the main process exited but 1 other process of the service kept running")));
  });
});
