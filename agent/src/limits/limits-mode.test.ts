// Which enforcement a host's mount table allows: v2 with all three controllers, else v1, else none
// with the reason; this machine's own layout (v2 without controllers, v1 mounted) is one of the cases.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseLimitsMode, parseMounts } from "./limits-mode.js";

const HYBRID = [
  "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0",
  "cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0",
  "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0",
  "cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0",
  "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0",
].join("\n");

test("a hybrid host whose v2 hierarchy has no controllers enforces through the v1 hierarchies", () => {
  const mode = chooseLimitsMode(parseMounts(HYBRID), () => []);
  assert.equal(mode.mode, "cgroup-v1");
  assert.ok(mode.mode === "cgroup-v1");
  assert.deepEqual(mode.hierarchies, { memory: "/sys/fs/cgroup/memory", pids: "/sys/fs/cgroup/pids", cpu: "/sys/fs/cgroup/cpu" });
  assert.equal(mode.cpuacct, "/sys/fs/cgroup/cpuacct");
  assert.match(mode.detail, /lacks memory, pids, cpu/);
});

test("a host with the v2 controllers uses v2 even when v1 hierarchies are mounted too", () => {
  const mode = chooseLimitsMode(parseMounts(HYBRID), () => ["cpuset", "cpu", "io", "memory", "pids"]);
  assert.deepEqual(mode, { mode: "cgroup-v2", unified: "/sys/fs/cgroup/unified", detail: "cgroup v2 at /sys/fs/cgroup/unified" });
});

test("a host with neither says what is missing", () => {
  const mode = chooseLimitsMode(parseMounts("cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0"), () => ["memory"]);
  assert.deepEqual(mode, { mode: "none", detail: "cgroup v2 lacks pids, cpu; cgroup v1 lacks pids, cpu" });
});
