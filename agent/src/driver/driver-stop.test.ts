// Stopping a unit ends its whole tree: setsid grandchildren and double-forked daemons with a
// cgroup, direct children with the process-group fallback; SIGKILL ends what ignores SIGTERM.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readProcStat } from "../system/proc-files.js";
import { createDriverKit, isAlive, shellRequest as request } from "./driver-test-kit.js";
import type { ProcessDriver, ProcessTracking } from "./process-driver.js";

const cgroupKit = createDriverKit();
const groupKit = createDriverKit({ cgroupRoot: null });
after(async () => {
  await cgroupKit.cleanup();
  await groupKit.cleanup();
});

async function pollUntilAsync(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until the unit has at least `count` processes, then returns their pids. */
async function waitForPids(driver: ProcessDriver, tracking: ProcessTracking, count: number): Promise<number[]> {
  let pids: number[] = [];
  await pollUntilAsync(async () => (pids = await driver.listPids(tracking)).length >= count, 10_000);
  return pids;
}

void test("SIGTERM to the cgroup ends a setsid grandchild, a double-forked daemon and the main process", async () => {
  const { driver } = cgroupKit;
  const launched = await driver.launch(request("tree/daemons", "setsid sleep 1000 & (sleep 1000 &) ; sleep 1000"));
  const escapedBoth = async (): Promise<boolean> => {
    const stats = (await driver.listPids(launched.tracking)).map(readProcStat);
    const ownSession = stats.filter((stat) => stat && stat.session !== launched.pid);
    const orphans = stats.filter((stat) => stat && stat.session === launched.pid && stat.pid !== launched.pid && stat.ppid !== launched.pid);
    return ownSession.length === 1 && orphans.length === 1 && stats.length === 4;
  };
  await pollUntilAsync(escapedBoth, 10_000);
  const pids = await driver.listPids(launched.tracking);
  assert.ok(pids.includes(launched.pid));
  await driver.signalAll(launched.tracking, "SIGTERM");
  assert.equal(await driver.waitEmpty(launched.tracking, 10_000), true);
  assert.deepEqual(pids.filter(isAlive), []);
  assert.equal((await launched.exited).signal, "SIGTERM");
  await driver.release(launched.tracking);
});

void test("signalAll reaches the children a process forks while it is being signalled", async () => {
  const { driver } = cgroupKit;
  const launched = await driver.launch(request("tree/forker", "while :; do (sleep 1000 &) ; done"));
  await waitForPids(driver, launched.tracking, 30);
  await driver.signalAll(launched.tracking, "SIGTERM");
  assert.equal(await driver.waitEmpty(launched.tracking, 10_000), true, "no child forked mid-signal survives SIGTERM");
  assert.equal((await launched.exited).signal, "SIGTERM");
  await driver.release(launched.tracking);
});

void test("a process that ignores SIGTERM survives signalAll and ends with killAll", async () => {
  const { driver } = cgroupKit;
  const launched = await driver.launch(request("tree/stubborn", 'trap "" TERM; setsid sleep 1000 & sleep 1000'));
  const pids = await waitForPids(driver, launched.tracking, 3);
  await driver.signalAll(launched.tracking, "SIGTERM");
  assert.equal(await driver.waitEmpty(launched.tracking, 300), false);
  assert.deepEqual(pids.filter(isAlive), pids);
  await driver.killAll(launched.tracking);
  assert.equal(await driver.waitEmpty(launched.tracking, 10_000), true);
  assert.deepEqual(pids.filter(isAlive), []);
  assert.equal((await launched.exited).signal, "SIGKILL");
  await driver.release(launched.tracking);
});

void test("release refuses while processes remain and removes the cgroup once empty", async () => {
  const { driver } = cgroupKit;
  const launched = await driver.launch(request("tree/release", "sleep 1000"));
  await assert.rejects(driver.release(launched.tracking), /still holds processes/);
  await driver.killAll(launched.tracking);
  assert.equal(await driver.waitEmpty(launched.tracking, 10_000), true);
  await driver.release(launched.tracking);
  assert.equal(launched.tracking.kind, "cgroup");
  assert.deepEqual(await driver.listPids(launched.tracking), []);
});

void test("without cgroups the process group tracks direct children and SIGTERM ends them", async () => {
  const { driver } = groupKit;
  const launched = await driver.launch(request("group/children", "sleep 1000 & sleep 1000 & wait"));
  groupKit.trackGroup(launched.pid);
  assert.deepEqual(launched.tracking, { kind: "process-group", pgid: launched.pid });
  const pids = await waitForPids(driver, launched.tracking, 3);
  await driver.signalAll(launched.tracking, "SIGTERM");
  assert.equal(await driver.waitEmpty(launched.tracking, 10_000), true);
  assert.deepEqual(pids.filter(isAlive), []);
  await driver.release(launched.tracking);
});

void test("without cgroups killAll ends a group that ignores SIGTERM", async () => {
  const { driver } = groupKit;
  const launched = await driver.launch(request("group/stubborn", 'trap "" TERM; sleep 1000 & sleep 1000'));
  groupKit.trackGroup(launched.pid);
  const pids = await waitForPids(driver, launched.tracking, 3);
  await driver.signalAll(launched.tracking, "SIGTERM");
  assert.equal(await driver.waitEmpty(launched.tracking, 300), false);
  await driver.killAll(launched.tracking);
  assert.equal(await driver.waitEmpty(launched.tracking, 10_000), true);
  assert.deepEqual(pids.filter(isAlive), []);
});

void test("signalProcess reaches only the main process and ignores pids that are gone", async () => {
  const { driver } = cgroupKit;
  const launched = await driver.launch(request("tree/one", "trap 'echo got HUP; exit 3' HUP; sleep 1000 & wait"));
  await waitForPids(driver, launched.tracking, 2);
  driver.signalProcess(launched.pid, "SIGHUP");
  assert.equal((await launched.exited).code, 3);
  driver.signalProcess(launched.pid, "SIGHUP");
  assert.equal((await driver.listPids(launched.tracking)).length, 1, "the sleep child did not get the signal");
  await driver.killAll(launched.tracking);
  assert.equal(await driver.waitEmpty(launched.tracking, 10_000), true);
  await driver.release(launched.tracking);
});
