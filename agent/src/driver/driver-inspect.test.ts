// inspect reports every process of a unit (pid, ppid, user, command, CPU %, RSS) from /proc,
// for a service running as a throwaway test user.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ProcessSnapshot } from "@vigil/shared";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { createDriverKit, type DriverKit } from "./driver-test-kit.js";
import type { LaunchedProcess } from "./process-driver.js";

let user: TestUser;
let kit: DriverKit;

before(() => {
  user = createTestUser();
  kit = createDriverKit();
});

after(async () => {
  await kit.cleanup();
  user.remove();
});

const PAGE_BYTES = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }));
const RSS_TOLERANCE_BYTES = 8 * PAGE_BYTES;

function residentPages(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
}

async function launchAsUser(unit: string, command: string): Promise<LaunchedProcess> {
  return kit.driver.launch({ unit, command, cwd: user.home, env: { PATH: "/usr/bin:/bin" }, user: { uid: user.uid, gid: user.gid, name: user.name } });
}

async function stop(launched: LaunchedProcess): Promise<void> {
  await kit.driver.killAll(launched.tracking);
  assert.equal(await kit.driver.waitEmpty(launched.tracking, 10_000), true);
  await kit.driver.release(launched.tracking);
}

void test("inspect lists every process of the unit with its parent, user, command and memory", async () => {
  const launched = await launchAsUser(`${user.name}/two-sleeps`, "sleep 1001 & sleep 1002 & wait");
  // A child shows its parent's command line until it has exec'd sleep: wait for both sleeps by name.
  const expected = ["/bin/sh -c sleep 1001 & sleep 1002 & wait", "sleep 1001", "sleep 1002"];
  let observed = await kit.driver.inspect(launched.tracking);
  const deadline = Date.now() + 15_000;
  while (!expected.every((command) => observed.some((process) => process.command === command)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    observed = await kit.driver.inspect(launched.tracking);
  }
  const byCommand = new Map(observed.map((process) => [process.command, process]));
  const main = byCommand.get("/bin/sh -c sleep 1001 & sleep 1002 & wait");
  assert.equal(main?.pid, launched.pid);
  for (const command of ["sleep 1001", "sleep 1002"]) {
    assert.equal(byCommand.get(command)?.ppid, launched.pid, command);
  }
  assert.equal(observed.length, 3);
  for (const process of observed) {
    assert.equal(process.user, user.name);
    // The figure is this process's own: resident pages of /proc/<pid>/statm read just after, within
    // a few pages (the process may touch or release pages between the two reads).
    const statmBytes = residentPages(process.pid) * PAGE_BYTES;
    assert.ok(process.rssBytes > 0, `${process.command} has resident memory`);
    assert.ok(Math.abs(process.rssBytes - statmBytes) <= RSS_TOLERANCE_BYTES, `${process.command}: RSS ${process.rssBytes} vs statm ${statmBytes}`);
    assert.ok(process.cpuPercent >= 0 && Number.isFinite(process.cpuPercent));
  }
  await stop(launched);
});

void test("CPU % of a busy process is measured between two samples", async () => {
  const launched = await launchAsUser(`${user.name}/busy`, "while :; do :; done");
  await kit.driver.inspect(launched.tracking);
  // On a loaded machine one interval may give the shell less than a clock tick: sample until it shows.
  let busy: ProcessSnapshot | undefined;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline && !((busy?.cpuPercent ?? 0) > 0); ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    [busy] = await kit.driver.inspect(launched.tracking);
  }
  assert.equal(busy?.pid, launched.pid);
  assert.ok((busy?.cpuPercent ?? 0) > 0, "a spinning shell uses CPU");
  await stop(launched);
});
