// After an agent crash, the next run finds what the previous one left (cgroups, recorded process
// groups, recorded services that exited meanwhile) and can end it, so no service ever runs twice.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { readBootId, readProcStat } from "../system/proc-files.js";
import { createDriverKit, type DriverKit, ignoresSignal, isAlive, shellRequest as request } from "./driver-test-kit.js";
import { LaunchRecords } from "./launch-records.js";
import { pollUntil, signalPid } from "./signal-pids.js";

const kits: DriverKit[] = [];
after(async () => {
  for (const kit of kits) await kit.cleanup();
});

function newKit(cgroups: boolean): DriverKit {
  const kit = createDriverKit(cgroups ? {} : { cgroupRoot: null });
  kits.push(kit);
  return kit;
}

for (const cgroups of [true, false]) {
  const mode = cgroups ? "cgroups" : "process groups";

  void test(`with ${mode}, a new driver finds the previous run's services (also one that exited meanwhile) and ends them`, async () => {
    const kit = newKit(cgroups);
    const web = await kit.driver.launch(request("alice/web", "sleep 1000 & sleep 1000"));
    const worker = await kit.driver.launch(request("alice/worker", "sleep 1000"));
    for (const launched of [web, worker]) if (!cgroups) kit.trackGroup(launched.pid);
    const ended = await kit.driver.launch(request("alice/done", "true"));
    await ended.exited;
    assert.equal(await kit.driver.waitEmpty(ended.tracking, 15_000), true);

    const nextRun = kit.reopen();
    const leftovers = (await nextRun.findLeftovers()).sort((a, b) => a.unit.localeCompare(b.unit));
    assert.deepEqual(
      leftovers.map((leftover) => [leftover.unit, leftover.tracking, leftover.record?.pid, leftover.record?.specHash]),
      [
        ["alice/done", ended.tracking, ended.pid, "hash-of-alice/done"],
        ["alice/web", web.tracking, web.pid, "hash-of-alice/web"],
        ["alice/worker", worker.tracking, worker.pid, "hash-of-alice/worker"],
      ],
    );
    assert.deepEqual(leftovers[0]!.pids, [], "the exited service has no process left, only its record");
    const pids = leftovers.flatMap((leftover) => leftover.pids);
    assert.ok(pids.includes(web.pid) && pids.includes(worker.pid));
    for (const leftover of leftovers) await nextRun.endLeftover(leftover, { timeoutMs: 15_000 });
    assert.deepEqual(pids.filter(isAlive), []);
    assert.deepEqual(await nextRun.findLeftovers(), []);
    assert.deepEqual(new LaunchRecords(kit.stateDir).readAll(), []);
  });
}

void test("a leftover that ignores SIGTERM is ended with SIGKILL after the timeout", async () => {
  const kit = newKit(true);
  const stubborn = await kit.driver.launch(request("bob/stubborn", 'trap "" TERM; sleep 1000'));
  assert.ok(await pollUntil(() => ignoresSignal(stubborn.pid, constants.signals.SIGTERM), 15_000, 10), "the shell set its trap");
  const nextRun = kit.reopen();
  const [leftover] = await nextRun.findLeftovers();
  assert.equal(leftover?.unit, "bob/stubborn");
  await nextRun.endLeftover(leftover, { timeoutMs: 200 });
  assert.equal((await stubborn.exited).signal, "SIGKILL");
  assert.deepEqual(await nextRun.findLeftovers(), []);
});

void test("a recorded process group whose number now belongs to another process is not ended", async (t) => {
  const kit = newKit(false);
  const stranger = spawn("sleep", ["1000"], { detached: true, stdio: "ignore" });
  const pid = stranger.pid ?? 0;
  t.after(() => signalPid(-pid, "SIGKILL"));
  assert.ok(await pollUntil(() => readProcStat(pid)?.pgrp === pid, 15_000, 10));
  const startTicks = readProcStat(pid)?.startTicks ?? 0;
  new LaunchRecords(kit.stateDir).write({
    version: 1,
    unit: "carol/old",
    tracking: { kind: "process-group", pgid: pid },
    pid,
    // The recorded launch started earlier than the process now holding that pid.
    pidStartTicks: startTicks - 1,
    bootId: readBootId(),
    startedAt: Date.now(),
    specHash: null,
  });
  assert.deepEqual(await kit.reopen().findLeftovers(), []);
  assert.ok(isAlive(pid));
  assert.deepEqual(new LaunchRecords(kit.stateDir).readAll(), [], "the stale record is dropped");
});

void test("a leftover ended through the plain driver calls, as supervision does, leaves no record or cgroup", async () => {
  const kit = newKit(true);
  await kit.driver.launch(request("dave/web", "sleep 1000"));
  const nextRun = kit.reopen();
  const [leftover] = await nextRun.findLeftovers();
  assert.equal(leftover?.unit, "dave/web");
  await nextRun.signalAll(leftover.tracking, "SIGTERM");
  assert.equal(await nextRun.waitEmpty(leftover.tracking, 15_000), true);
  await nextRun.release(leftover.tracking);
  assert.deepEqual(new LaunchRecords(kit.stateDir).readAll(), []);
  assert.deepEqual(await nextRun.findLeftovers(), []);
});
