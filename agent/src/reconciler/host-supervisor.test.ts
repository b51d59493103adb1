// Logic tests of HostSupervisor.apply with the fake driver and clock: only changed services restart,
// removal cancels a pending restart for good, concurrent applies converge on the latest state.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { settle } from "../runtime/fake-clock.js";
import { testDesired } from "../testing/desired-fixtures.js";
import { fakeHost } from "../testing/fake-host.js";

const web = testDesired({ name: "web" });
const worker = testDesired({ name: "worker", command: "node worker.js" });
const cache = testDesired({ name: "cache", command: "redis-server" });

void describe("HostSupervisor.apply", () => {
  void it("changing one of three services restarts only that one; the others keep their pid", async () => {
    const { host, driver } = fakeHost();
    await host.apply([web, worker, cache]);
    const before = (await host.status()).map((status) => [status.key, status.mainPid] as const);
    const result = await host.apply([web, testDesired({ name: "worker", command: "node worker.js --v2" }), cache]);
    const after = new Map((await host.status()).map((status) => [status.key, status.mainPid]));
    assert.deepEqual(result.plan.restart.map((desired) => desired.spec.name), ["worker"]);
    for (const [key, pid] of before) {
      if (key === "alice/worker") assert.notEqual(after.get(key), pid);
      else assert.equal(after.get(key), pid);
    }
    assert.equal(driver.launches.at(-1)?.command, "node worker.js --v2");
  });

  void it("stops a removed service, ending every process including its children", async () => {
    const fake = fakeHost();
    fake.driver.behave("alice/web", { children: 2, ignoreSignals: ["SIGTERM"] });
    await fake.host.apply([web, worker]);
    await fake.applyAndWait([worker], 10_000);
    assert.equal(fake.driver.aliveCount("alice/web"), 0);
    assert.deepEqual(fake.kinds("alice/web"), ["started", "stopping", "stopped"]);
    assert.deepEqual((await fake.host.status()).map((status) => status.key), ["alice/worker"]);
  });

  void it("removing a service during its backoff stops it for good", async () => {
    const fake = fakeHost();
    await fake.host.apply([web]);
    fake.driver.crash("alice/web");
    await settle();
    fake.driver.crash("alice/web");
    await settle();
    assert.equal((await fake.host.statusOf("alice/web")).state, "backoff");
    await fake.host.apply([]);
    await fake.clock.advance(600_000);
    assert.equal(fake.driver.launchCount("alice/web"), 2);
    assert.equal(fake.driver.aliveCount("alice/web"), 0);
    assert.equal(fake.clock.pendingTimers, 0);
    assert.deepEqual(fake.kinds("alice/web").slice(-2), ["backoff", "stopped"]);
  });

  void it("a changed spec during backoff starts the new spec at once with a clean failure history", async () => {
    const fake = fakeHost({ restart_policy: { max_failures: 3 } });
    await fake.host.apply([web]);
    fake.driver.crash("alice/web");
    await settle();
    fake.driver.crash("alice/web");
    await settle();
    await fake.host.apply([testDesired({ name: "web", command: "node fixed.js" })]);
    assert.equal((await fake.host.statusOf("alice/web")).state, "running");
    assert.equal(fake.driver.launches.at(-1)?.command, "node fixed.js");
    fake.driver.crash("alice/web");
    await settle();
    assert.equal((await fake.host.statusOf("alice/web")).state, "running", "the old failures no longer count");
  });

  void it("concurrent applies converge on the latest desired state, with one process", async () => {
    const fake = fakeHost();
    const first = fake.host.apply([testDesired({ name: "web", command: "v1" })]);
    const second = fake.host.apply([testDesired({ name: "web", command: "v2" })]);
    const third = fake.host.apply([testDesired({ name: "web", command: "v3" })]);
    await Promise.all([first, second, third]);
    assert.equal(fake.driver.launches.at(-1)?.command, "v3");
    assert.equal(fake.driver.aliveCount("alice/web"), 1);
  });

  void it("a service re-added while its old run is still stopping starts only once the old one is gone", async () => {
    const fake = fakeHost();
    fake.driver.behave("alice/web", (launch) => (launch === 0 ? { ignoreSignals: ["SIGTERM"] } : {}));
    await fake.host.apply([testDesired({ name: "web", stopTimeoutMs: 5000 })]);
    const removed = fake.host.apply([]);
    const readded = fake.host.apply([testDesired({ name: "web", stopTimeoutMs: 5000 })]);
    await fake.clock.advance(4000);
    assert.equal(fake.driver.launchCount("alice/web"), 1);
    await fake.clock.advance(1000);
    await Promise.all([removed, readded]);
    assert.equal(fake.driver.launchCount("alice/web"), 2);
    assert.equal(fake.driver.aliveCount("alice/web"), 1);
  });

  void it("apply while a service is stopping waits for it and does not start a second copy", async () => {
    const fake = fakeHost();
    fake.driver.behave("alice/web", { ignoreSignals: ["SIGHUP"] });
    await fake.host.apply([testDesired({ name: "web", stopTimeoutMs: 3000 })]);
    const restarting = fake.host.restart("alice/web");
    const applied = fake.host.apply([testDesired({ name: "web", stopTimeoutMs: 3000, command: "v2" })]);
    await fake.clock.advance(10_000);
    await Promise.all([restarting, applied]);
    assert.equal(fake.driver.aliveCount("alice/web"), 1);
    assert.equal(fake.driver.launches.at(-1)?.command, "v2");
  });

  void it("a disabled service is stopped and stays stopped with its reason until enabled", async () => {
    const fake = fakeHost();
    await fake.host.apply([web]);
    await fake.host.apply([testDesired({ name: "web", isDisabled: true }, { disabledReason: "paused by alice" })]);
    let status = await fake.host.statusOf("alice/web");
    assert.deepEqual([status.state, status.disabledReason, fake.driver.aliveCount("alice/web")], ["disabled", "paused by alice", 0]);
    await fake.clock.advance(600_000);
    assert.equal(fake.driver.launchCount("alice/web"), 1);
    await fake.host.apply([web]);
    status = await fake.host.statusOf("alice/web");
    assert.deepEqual([status.state, status.disabledReason], ["running", ""]);
    assert.deepEqual(fake.kinds("alice/web"), ["started", "stopping", "stopped", "disabled", "enabled", "started"]);
  });

  void it("a crash-looped service stays disabled when the same desired state is applied again", async () => {
    const fake = fakeHost({ restart_policy: { max_failures: 2 } });
    fake.driver.behave("alice/web", { exitAfterMs: 10, exitCode: 1 });
    await fake.host.apply([web]);
    await fake.clock.advance(60_000);
    await fake.host.apply([web]);
    assert.equal((await fake.host.statusOf("alice/web")).state, "disabled");
    assert.equal(fake.driver.launchCount("alice/web"), 2);
  });

  void it("an annotation change leaves the process alone", async () => {
    const fake = fakeHost();
    await fake.host.apply([web]);
    const result = await fake.host.apply([testDesired({ name: "web", annotation: "hello" })]);
    assert.equal(result.plan.updateInPlace.length, 1);
    assert.equal(fake.driver.launchCount("alice/web"), 1);
    assert.deepEqual(result.errors, []);
  });

  void it("ends what a previous agent run left before starting anything", async () => {
    const seeded: number[] = [];
    const fake = fakeHost({}, (driver) => seeded.push(...driver.seedLeftover("alice/web", 3).pids));
    const report = await fake.host.start();
    await fake.host.apply([web]);
    assert.deepEqual(report.ended, [{ unit: "alice/web", pids: seeded }]);
    assert.equal(fake.driver.aliveCount("alice/web"), 1, "only the new run is alive");
    assert.deepEqual(fake.driver.signals, [{ unit: "alice/web", pid: "all", signal: "SIGTERM" }]);
  });

  void it("stopAll stops every service", async () => {
    const fake = fakeHost();
    await fake.host.apply([web, worker, cache]);
    await fake.host.stopAll();
    assert.deepEqual(await fake.host.status(), []);
    for (const key of ["alice/web", "alice/worker", "alice/cache"]) assert.equal(fake.driver.aliveCount(key), 0);
  });

  void it("stopAll right after an apply that still waits for the recovery stops what that apply starts", async () => {
    const fake = fakeHost({}, (driver) => driver.seedLeftover("alice/old", 2));
    const applied = fake.host.apply([web, worker]);
    await fake.host.stopAll();
    await applied;
    assert.deepEqual(await fake.host.status(), []);
    for (const key of ["alice/web", "alice/worker", "alice/old"]) assert.equal(fake.driver.aliveCount(key), 0, `${key} is not left running`);
  });

  void it("stopAll finishes stopping every service when one of them fails, then reports the failure", async () => {
    const fake = fakeHost();
    await fake.host.apply([web, worker, cache]);
    const release = fake.driver.release.bind(fake.driver);
    let releases = 0;
    fake.driver.release = async (tracking) => {
      releases += 1;
      if (releases === 1) throw new Error("cgroup busy");
      // The others take a while: stopAll must not return before they are done.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return release(tracking);
    };
    await assert.rejects(fake.host.stopAll(), (error: unknown) => error instanceof AggregateError && error.errors.length === 1);
    assert.equal(releases, 3);
    for (const key of ["alice/web", "alice/worker", "alice/cache"]) assert.equal(fake.driver.aliveCount(key), 0);
    assert.deepEqual(await fake.host.status(), []);
  });

  void it("a throwing event listener does not break supervision", async () => {
    const fake = fakeHost();
    fake.host.onEvent(() => {
      throw new Error("broken subscriber");
    });
    await fake.host.apply([web]);
    assert.equal((await fake.host.statusOf("alice/web")).state, "running");
    assert.equal(fake.errors.length, 1);
  });
});
