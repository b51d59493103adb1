// Logic tests of one service's supervision with the fake driver and a fake clock: restarts and
// backoff, crash-loop disablement, requested restarts, stop escalation, the foreground rule, start failures.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StartFailure } from "../driver/process-driver.js";
import { settle } from "../runtime/fake-clock.js";
import { testDesired } from "../testing/desired-fixtures.js";
import { fakeHost } from "../testing/fake-host.js";

const KEY = "alice/web";

async function runningHost(config: Record<string, unknown> = {}, spec = {}) {
  const fake = fakeHost(config);
  await fake.host.apply([testDesired(spec)]);
  return fake;
}

void describe("service supervisor", () => {
  void it("starts a new service and logs its pid", async () => {
    const { host, driver, logs, kinds } = await runningHost();
    const status = await host.statusOf(KEY);
    assert.equal(status.state, "running");
    assert.equal(status.mainPid, driver.alivePids(KEY)[0]);
    assert.deepEqual(kinds(KEY), ["started"]);
    assert.deepEqual(logs.of(KEY).notes, [`started with pid ${status.mainPid}`]);
  });

  void it("restarts at once after the first unrequested exit and records the exit", async () => {
    const { host, driver, clock, kinds, logs } = await runningHost();
    driver.crash(KEY, { code: 3 });
    await settle();
    const status = await host.statusOf(KEY);
    assert.equal(status.state, "running");
    assert.equal(driver.launchCount(KEY), 2);
    assert.equal(status.restarts, 1);
    assert.deepEqual(status.lastExit, { code: 3, signal: null, at: clock.now() });
    assert.deepEqual(kinds(KEY), ["started", "exited", "restarting", "started"]);
    assert.ok(logs.of(KEY).notes.includes("exited with code 3"));
  });

  void it("backs off exponentially on repeated failures, then restarts when the delay is over", async () => {
    const { host, driver, clock, events } = await runningHost();
    driver.crash(KEY);
    await settle();
    driver.crash(KEY, { signal: "SIGKILL" });
    await settle();
    assert.equal((await host.statusOf(KEY)).state, "backoff");
    const backoff = events.find((event) => event.kind === "backoff");
    assert.equal(backoff?.delayMs, 1000);
    assert.equal(backoff?.message, "restarting in 1.0 s");
    await clock.advance(999);
    assert.equal(driver.launchCount(KEY), 2);
    await clock.advance(1);
    assert.equal(driver.launchCount(KEY), 3);
    assert.equal((await host.statusOf(KEY)).state, "running");
  });

  void it("disables a crash-looping service with reason crash-loop after exactly max_failures starts", async () => {
    const fake = fakeHost({ restart_policy: { max_failures: 4, failure_window_ms: 60_000, jitter_fraction: 0 } });
    fake.driver.behave(KEY, { exitAfterMs: 100, exitCode: 1 });
    await fake.host.apply([testDesired()]);
    await fake.clock.advance(120_000);
    const status = await fake.host.statusOf(KEY);
    assert.equal(fake.driver.launchCount(KEY), 4);
    assert.equal(status.state, "disabled");
    assert.equal(status.disabledReason, "crash-loop");
    assert.equal(fake.events.at(-1)?.kind, "disabled");
    assert.match(fake.logs.of(KEY).notes.at(-1) ?? "", /disabled: crash-loop \(4 failures within 60 s\)/);
    assert.equal(fake.clock.pendingTimers, 0);
  });

  void it("enabling after a crash loop starts a fresh failure window: the next single failure restarts it", async () => {
    const fake = fakeHost({ restart_policy: { max_failures: 4, failure_window_ms: 60_000, jitter_fraction: 0 } });
    fake.driver.behave(KEY, { exitAfterMs: 100, exitCode: 1 });
    await fake.host.apply([testDesired()]);
    await fake.clock.advance(10_000);
    assert.equal((await fake.host.statusOf(KEY)).state, "disabled");
    // The coordinator records the crash loop as is_disabled; `vigil service enable` clears it.
    await fake.host.apply([testDesired({ isDisabled: true }, { disabledReason: "crash-loop" })]);
    await fake.host.apply([testDesired()]);
    assert.equal((await fake.host.statusOf(KEY)).state, "running");
    const launches = fake.driver.launchCount(KEY);
    await fake.clock.advance(150);
    const status = await fake.host.statusOf(KEY);
    assert.equal(status.state, "running", "one failure after enabling restarts the service");
    assert.equal(fake.driver.launchCount(KEY), launches + 1);
    assert.deepEqual(fake.events.slice(-3).map((event) => event.kind), ["exited", "restarting", "started"]);
  });

  void it("does not count requested restarts as failures", async () => {
    const { host, driver, kinds } = await runningHost({ restart_policy: { max_failures: 2 } });
    for (let i = 0; i < 5; i += 1) await host.restart(KEY);
    const status = await host.statusOf(KEY);
    assert.equal(status.state, "running");
    assert.equal(status.restarts, 5);
    assert.equal(driver.launchCount(KEY), 6);
    assert.ok(!kinds(KEY).includes("exited"));
    assert.deepEqual(
      driver.signals.map((sent) => sent.signal),
      ["SIGHUP", "SIGHUP", "SIGHUP", "SIGHUP", "SIGHUP"],
    );
  });

  void it("restart sends SIGHUP to every process first and SIGKILL to what ignores it after the stop timeout", async () => {
    const fake = fakeHost();
    fake.driver.behave(KEY, (launch) => (launch === 0 ? { ignoreSignals: ["SIGHUP"], children: 1 } : {}));
    await fake.host.apply([testDesired({ stopTimeoutMs: 2000 })]);
    const restarted = fake.host.restart(KEY);
    await fake.clock.advance(1999);
    assert.equal(fake.driver.launchCount(KEY), 1);
    await fake.clock.advance(1);
    await restarted;
    assert.deepEqual(fake.driver.signals.map((sent) => `${sent.pid}:${sent.signal}`), ["all:SIGHUP", "all:SIGKILL"]);
    assert.equal(fake.driver.aliveCount(KEY), 1);
    assert.ok(fake.logs.of(KEY).notes.includes("2 processes still running 2.0 s after the stop signal: sending SIGKILL"));
  });

  void it("a requested restart during backoff starts at once and cancels the pending one", async () => {
    const { host, driver, clock } = await runningHost();
    driver.crash(KEY);
    await settle();
    driver.crash(KEY);
    await settle();
    await host.restart(KEY);
    assert.equal(driver.launchCount(KEY), 3);
    await clock.advance(10_000);
    assert.equal(driver.launchCount(KEY), 3);
  });

  void it("a restart of a disabled service is refused and changes nothing", async () => {
    const fake = fakeHost();
    await fake.host.apply([testDesired({ isDisabled: true }, { disabledReason: "user" })]);
    await assert.rejects(fake.host.restart(KEY), /service alice\/web is disabled \(user\); enable it first/);
    assert.equal(fake.driver.launchCount(KEY), 0);
  });

  void it("reports a daemonising command, ends its leftovers, and only then decides the restart", async () => {
    const fake = fakeHost();
    fake.driver.behave(KEY, (launch) => (launch === 0 ? { exitAfterMs: 50, exitCode: 0, children: 2 } : {}));
    const aliveAtRestart: number[] = [];
    fake.host.onEvent((event) => {
      if (event.kind === "restarting") aliveAtRestart.push(fake.driver.aliveCount(KEY));
    });
    await fake.host.apply([testDesired()]);
    await fake.clock.advance(1000);
    assert.deepEqual(fake.kinds(KEY), ["started", "exited", "daemonized", "restarting", "started"]);
    assert.deepEqual(aliveAtRestart, [0]);
    const daemonized = fake.events.find((event) => event.kind === "daemonized");
    assert.match(daemonized?.message ?? "", /2 other processes of the service kept running: services must stay in the foreground, run the program without daemonising/);
    assert.ok(fake.logs.of(KEY).notes.includes(daemonized?.message ?? "?"));
  });

  const startFailures: Array<[string, (fake: ReturnType<typeof fakeHost>) => void, Record<string, unknown>, string, string]> = [
    [
      "a missing working directory",
      (fake) => fake.driver.behave(KEY, { startFailure: new StartFailure("missing-directory", "working directory /home/alice/app does not exist") }),
      {},
      "missing-directory",
      "start failed: working directory /home/alice/app does not exist",
    ],
    ["an unsafe log path", (fake) => fake.logs.refused.add(KEY), {}, "log-path-refused", "start failed: log path refused: /home/alice/admin/logs/services/web.log: admin/logs/services is a symlink"],
    ["an unknown language version", () => {}, { environment: { NODEJS_VERSION: "99" } }, "unknown-language-version", "start failed: NODEJS_VERSION=99 is not installed on this host (available: 20)"],
    ["exit 127 right after the start", (fake) => fake.driver.behave(KEY, { exitAfterMs: 10, exitCode: 127 }), { command: "FOO=1 nodee server.js" }, "command-not-found", "start failed: command not found: nodee"],
  ];
  for (const [what, arrange, spec, reason, message] of startFailures) {
    void it(`reports ${what} as start-failed and counts it towards the crash loop`, async () => {
      const fake = fakeHost({ language_paths: { NODEJS_VERSION: { "20": "/opt/node/20/bin" } } });
      arrange(fake);
      await fake.host.apply([testDesired(spec)]);
      await fake.clock.advance(300_000);
      const failures = fake.events.filter((event) => event.kind === "start-failed");
      assert.equal(failures.length, 5);
      assert.deepEqual([failures[0]?.reason, failures[0]?.message], [reason, message]);
      assert.equal((await fake.host.statusOf(KEY)).disabledReason, "crash-loop");
    });
  }

  void it("treats exit 127 long after the start as an ordinary exit", async () => {
    const fake = fakeHost();
    fake.driver.behave(KEY, (launch) => (launch === 0 ? { exitAfterMs: 5000, exitCode: 127 } : {}));
    await fake.host.apply([testDesired()]);
    await fake.clock.advance(5000);
    assert.deepEqual(fake.kinds(KEY), ["started", "exited", "restarting", "started"]);
  });

  void it("signals the main process or every process of the service", async () => {
    const { host, driver } = await runningHost();
    const [main] = driver.alivePids(KEY);
    await host.signal(KEY, "SIGUSR1", false);
    await host.signal(KEY, "SIGWINCH", true);
    assert.deepEqual(driver.signals, [
      { unit: KEY, pid: main, signal: "SIGUSR1" },
      { unit: KEY, pid: "all", signal: "SIGWINCH" },
    ]);
    await assert.rejects(host.signal(KEY, "SIGBOGUS", true), /signal: "SIGBOGUS" is not a signal name/);
    await assert.rejects(host.signal("alice/nope", "SIGHUP", true), /no service alice\/nope on this host/);
  });

  void it("refuses to signal a service that has no process", async () => {
    const fake = fakeHost();
    await fake.host.apply([testDesired({ isDisabled: true })]);
    await assert.rejects(fake.host.signal(KEY, "SIGHUP", true), /service alice\/web has no process to signal \(state disabled\)/);
  });

  void it("reports state, pid, start time, restarts, last exit and processes in status", async () => {
    const { host, driver, clock } = await runningHost();
    driver.crash(KEY, { signal: "SIGSEGV" });
    await settle();
    const status = await host.statusOf(KEY);
    const [pid] = driver.alivePids(KEY);
    assert.deepEqual(
      { state: status.state, mainPid: status.mainPid, startedAt: status.startedAt, restarts: status.restarts, lastExit: status.lastExit },
      { state: "running", mainPid: pid, startedAt: clock.now(), restarts: 1, lastExit: { code: null, signal: "SIGSEGV", at: clock.now() } },
    );
    assert.deepEqual(status.processes.map((process) => [process.pid, process.user]), [[pid, "alice"]]);
  });

  void it("every event names its service and the state after it", async () => {
    const { events } = await runningHost();
    assert.deepEqual(
      events.map((event) => [event.account, event.service, event.kind, event.state]),
      [
        ["alice", "web", "started", "running"],
      ],
    );
  });
});
