// What each limit writes, for v1 and v2: the pure half of enforcement, including the v2 files this
// machine (v1 controllers only) cannot exercise for real.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NO_LIMITS, type ResourceLimits } from "@vigil/shared";
import { parseKeyedCounters, planLimitWrites, planV2UnitWrites, weightToShares } from "./cgroup-limit-plan.js";

const LIMITS: ResourceLimits = { memoryMaxBytes: 256 * 1024 * 1024, memoryHighBytes: 200 * 1024 * 1024, tasksMax: 256, cpuWeight: 50, cpuMaxCores: 0.2 };

function asText(writes: ReturnType<typeof planLimitWrites>): string[] {
  return writes.map((write) => `${write.controller}:${write.file}=${write.value}`);
}

test("v2: every limit becomes its v2 file, swap is closed for a capped service and the CPU cap is a quota per 100 ms", () => {
  assert.deepEqual(asText(planLimitWrites("v2", LIMITS)), [
    "memory:memory.high=209715200",
    "memory:memory.max=268435456",
    "memory:memory.swap.max=0",
    "pids:pids.max=256",
    "cpu:cpu.weight=50",
    "cpu:cpu.max=20000 100000",
  ]);
});

test("v2: no limits writes the kernel's no-limit values, so removing a limit from a running service resets it", () => {
  assert.deepEqual(asText(planLimitWrites("v2", NO_LIMITS)), [
    "memory:memory.high=max",
    "memory:memory.max=max",
    "memory:memory.swap.max=max",
    "pids:pids.max=max",
    "cpu:cpu.weight=100",
    "cpu:cpu.max=max 100000",
  ]);
});

test("v2: controllers are delegated from the root down to the account cgroup, which carries the account's limits above the unit's", () => {
  const account: ResourceLimits = { ...NO_LIMITS, memoryMaxBytes: 512 * 1024 * 1024, tasksMax: 1000, cpuMaxCores: 1.5 };
  const writes = planV2UnitWrites("/sys/fs/cgroup", "/sys/fs/cgroup/vigil/a1/alice/alice%2Fweb", account, { ...NO_LIMITS, tasksMax: 256 });
  assert.deepEqual(
    writes.map((write) => `${write.path}=${write.value}`),
    [
      "/sys/fs/cgroup/cgroup.subtree_control=+memory +pids +cpu",
      "/sys/fs/cgroup/vigil/cgroup.subtree_control=+memory +pids +cpu",
      "/sys/fs/cgroup/vigil/a1/cgroup.subtree_control=+memory +pids +cpu",
      "/sys/fs/cgroup/vigil/a1/alice/cgroup.subtree_control=+memory +pids +cpu",
      "/sys/fs/cgroup/vigil/a1/alice/memory.high=max",
      "/sys/fs/cgroup/vigil/a1/alice/memory.max=536870912",
      "/sys/fs/cgroup/vigil/a1/alice/memory.swap.max=0",
      "/sys/fs/cgroup/vigil/a1/alice/pids.max=1000",
      "/sys/fs/cgroup/vigil/a1/alice/cpu.weight=100",
      "/sys/fs/cgroup/vigil/a1/alice/cpu.max=150000 100000",
      "/sys/fs/cgroup/vigil/a1/alice/alice%2Fweb/memory.high=max",
      "/sys/fs/cgroup/vigil/a1/alice/alice%2Fweb/memory.max=max",
      "/sys/fs/cgroup/vigil/a1/alice/alice%2Fweb/memory.swap.max=max",
      "/sys/fs/cgroup/vigil/a1/alice/alice%2Fweb/pids.max=256",
      "/sys/fs/cgroup/vigil/a1/alice/alice%2Fweb/cpu.weight=100",
      "/sys/fs/cgroup/vigil/a1/alice/alice%2Fweb/cpu.max=max 100000",
    ],
  );
});

test("v1: memory, pids and cpu hierarchies get their own files; the weight becomes cpu.shares", () => {
  assert.deepEqual(asText(planLimitWrites("v1", LIMITS)), [
    "memory:memory.soft_limit_in_bytes=209715200",
    "memory:memory.limit_in_bytes=268435456",
    "pids:pids.max=256",
    "cpu:cpu.shares=512",
    "cpu:cpu.cfs_period_us=100000",
    "cpu:cpu.cfs_quota_us=20000",
  ]);
  assert.deepEqual(asText(planLimitWrites("v1", NO_LIMITS)).slice(-3), ["cpu:cpu.shares=1024", "cpu:cpu.cfs_period_us=100000", "cpu:cpu.cfs_quota_us=-1"]);
});

test("a hundredth of a core is still a 1 ms quota, and weights keep the kernel's minimum of 2 shares", () => {
  assert.equal(planLimitWrites("v1", { ...NO_LIMITS, cpuMaxCores: 0.01 }).at(-1)?.value, "1000");
  assert.equal(weightToShares(1), 10);
  assert.equal(weightToShares(10_000), 102_400);
});

test("counters are read from the kernel's keyed files", () => {
  const counters = parseKeyedCounters("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  assert.equal(counters.get("oom_kill"), 2);
  assert.equal(parseKeyedCounters("max 17\n").get("max"), 17);
});
