// Tracking cgroups nested per account (<root>/<account>/<unit>) on this host's real cgroup v2
// hierarchy: listing, killing one unit without its siblings, removing the account cgroup with its
// last unit, and finding nested and flat-layout leftovers after an agent crash.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDriverKit, type DriverKit, isAlive, shellRequest as request } from "./driver-test-kit.js";
import { pollUntil, signalPid } from "./signal-pids.js";

const kits: DriverKit[] = [];
after(async () => {
  for (const kit of kits) await kit.cleanup();
});

function newKit(): DriverKit {
  const kit = createDriverKit();
  kits.push(kit);
  assert.ok(kit.driver.cgroupRoot !== null, "this host gives the agent a cgroup v2 subtree");
  return kit;
}

/** The process's v2 cgroup, relative to the hierarchy's root, from /proc/<pid>/cgroup. */
function v2Cgroup(pid: number): string {
  return /^0::(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, "utf8"))?.[1] ?? "";
}

void test("each unit sits in its account's cgroup; killing one unit leaves its sibling, and the account cgroup goes with its last unit", async () => {
  const kit = newKit();
  const root = kit.driver.cgroupRoot ?? "";
  const web = await kit.driver.launch(request("alice/web", "sleep 1000 & sleep 1000"));
  const worker = await kit.driver.launch(request("alice/worker", "sleep 1000"));
  const other = await kit.driver.launch(request("bob/web", "sleep 1000"));
  assert.deepEqual([web.tracking, worker.tracking, other.tracking], [
    { kind: "cgroup", path: join(root, "alice", "alice%2Fweb") },
    { kind: "cgroup", path: join(root, "alice", "alice%2Fworker") },
    { kind: "cgroup", path: join(root, "bob", "bob%2Fweb") },
  ]);
  assert.ok(v2Cgroup(web.pid).endsWith("/alice/alice%2Fweb"), v2Cgroup(web.pid));
  // The shell and both sleeps.
  assert.equal((await kit.driver.listPids(web.tracking)).length, 3);

  await kit.driver.killAll(web.tracking);
  assert.equal(await kit.driver.waitEmpty(web.tracking, 15_000), true);
  assert.equal((await web.exited).signal, "SIGKILL");
  assert.ok(isAlive(worker.pid) && isAlive(other.pid), "cgroup.kill of one unit reached another");
  await kit.driver.release(web.tracking);
  assert.ok(existsSync(join(root, "alice")), "the account cgroup went while a unit still uses it");

  for (const launched of [worker, other]) {
    await kit.driver.killAll(launched.tracking);
    assert.equal(await kit.driver.waitEmpty(launched.tracking, 15_000), true);
    await kit.driver.release(launched.tracking);
  }
  assert.ok(!existsSync(join(root, "alice")) && !existsSync(join(root, "bob")), "account cgroups were left behind");
});

void test("the next agent run finds nested units and units of the earlier flat layout, and ends them", async (t) => {
  const kit = newKit();
  const root = kit.driver.cgroupRoot ?? "";
  const nested = await kit.driver.launch(request("carol/web", "exec sleep 1000"));
  // A unit the previous version left right under the root, with no launch record.
  const flatPath = join(root, "dave%2Fold");
  mkdirSync(flatPath);
  const old = spawn("sleep", ["1000"], { stdio: "ignore" });
  const oldPid = old.pid ?? 0;
  t.after(() => signalPid(oldPid, "SIGKILL"));
  writeFileSync(join(flatPath, "cgroup.procs"), String(oldPid));

  const nextRun = kit.reopen();
  const leftovers = (await nextRun.findLeftovers()).sort((a, b) => a.unit.localeCompare(b.unit));
  assert.deepEqual(
    leftovers.map((leftover) => [leftover.unit, leftover.tracking, leftover.pids]),
    [
      ["carol/web", nested.tracking, [nested.pid]],
      ["dave/old", { kind: "cgroup", path: flatPath }, [oldPid]],
    ],
  );
  for (const leftover of leftovers) await nextRun.endLeftover(leftover, { timeoutMs: 5_000 });
  assert.ok(await pollUntil(() => !isAlive(oldPid) && !isAlive(nested.pid), 15_000, 10));
  assert.deepEqual(await nextRun.findLeftovers(), []);
  assert.ok(!existsSync(join(root, "carol")) && !existsSync(flatPath), "cgroups of ended leftovers were left behind");
});
