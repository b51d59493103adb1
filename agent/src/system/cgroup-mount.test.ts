// The cgroup v2 mount is found on hybrid and pure v2 hosts,
// and its absence is reported as null (the driver then uses process groups).
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCgroup2Mount } from "./cgroup-mount.js";

void test("a hybrid host's cgroup2 mount is found among v1 mounts", () => {
  const mounts = "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n";
  assert.equal(parseCgroup2Mount(mounts), "/sys/fs/cgroup/unified");
});

void test("octal escapes in the mount point are decoded", () => {
  assert.equal(parseCgroup2Mount("cgroup2 /mnt/my\\040cgroups cgroup2 rw 0 0\n"), "/mnt/my cgroups");
});

void test("a host with only cgroup v1 has no cgroup2 mount", () => {
  assert.equal(parseCgroup2Mount("cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n"), null);
});
