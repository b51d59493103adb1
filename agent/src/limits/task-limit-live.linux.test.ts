// Real fork bombs under a HostSupervisor (v1 pids here): reaching a task limit, the service's own or
// its account's, is an event and a status flag while the service still runs, not only at its exit.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type DesiredServiceSpec, NO_LIMITS, type ResourceLimits } from "@vigil/shared";
import { QUICK_CONFIG, type RealHost, realHost } from "../testing/real-host.js";

let real: RealHost;
before(async () => (real = await realHost(QUICK_CONFIG)));
after(() => real.cleanup());

// The bomb in a background subshell; the main process execs sleep (no fork), so it outlives the bomb's refused forks.
const FORK_BOMB = "bash -c '(b() { b | b & }; b) & exec sleep 600'";

function bomb(name: string, service: Partial<ResourceLimits>, account: Partial<ResourceLimits>): DesiredServiceSpec {
  const desired = real.desired({ name, command: FORK_BOMB, limits: { ...NO_LIMITS, ...service } });
  return { ...desired, account: { ...desired.account, limits: { ...NO_LIMITS, ...account } } };
}

void describe("task limit reached while running", () => {
  for (const [level, service, account, wording] of [
    ["its own", { tasksMax: 32 }, {}, /^its task limit of 32 was reached: \d+ forks? refused so far/],
    ["its account's", {}, { tasksMax: 48 }, /^its account's task limit of 48 was reached: \d+ forks? refused so far/],
  ] as const) {
    void it(`a fork bomb under ${level} task limit is reported at once by an event and the status, and still runs`, async () => {
      const name = level === "its own" ? "bomb" : "account-bomb";
      await real.host.apply([bomb(name, service, account)]);
      const started = await real.waitForEvent(name, "started");
      const reached = await real.waitForEvent(name, "task-limit-reached", 15_000).catch(async (error: unknown) => {
        console.log(JSON.stringify(real.events.filter((e) => e.service === name)), JSON.stringify(await real.status(name)));
        throw error;
      });
      const status = await real.status(name);
      console.log(`${name}: task-limit-reached ${reached.at - started.at} ms after the start, state ${status.state}, ${status.taskLimitHits} forks refused when read; "${reached.message}"`);
      assert.match(reached.message, wording);
      assert.equal(reached.state, "running");
      assert.equal(status.state, "running");
      assert.equal(status.mainPid, started.pid);
      assert.ok(status.taskLimitHits > 0);
      assert.ok(reached.at - started.at < 5_000, `reported ${reached.at - started.at} ms after the start`);
      assert.equal(real.events.filter((event) => event.service === name && event.kind === "task-limit-reached").length, 1, "the event repeats");
      await real.host.apply([]);

    });
  }
});
