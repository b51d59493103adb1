// Tests of reading the agent's host config file: YAML settings reach the compiled config the agent
// starts with, a state directory other than the agent's is refused, and a bad value names its field.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadHostConfig } from "./host-config-file.js";

const dir = mkdtempSync(join(tmpdir(), "vigil-host-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

void test("log_rotation, cgroup_root and stop_timeout_ms of a YAML host config reach the compiled config", () => {
  const path = file("host.yaml", "log_rotation:\n  max_bytes: 4096\n  keep_files: 2\ncgroup_root: /sys/fs/cgroup/vigil-services\nstop_timeout_ms: 3000\nstate_dir: /var/lib/vigil-test\n");
  const config = loadHostConfig(path, "/var/lib/vigil-test");
  assert.deepEqual(config.logRotation, { maxBytes: 4096, keepFiles: 2 });
  assert.equal(config.cgroupRoot, "/sys/fs/cgroup/vigil-services");
  assert.equal(config.stopTimeoutMs, 3000);
  assert.equal(config.stateDir, "/var/lib/vigil-test");
});

void test("a host config naming a state directory other than the agent's is refused, naming both", () => {
  const path = file("elsewhere.yaml", "state_dir: /elsewhere\n");
  assert.throws(() => loadHostConfig(path, "/var/lib/vigil-test"), /^ConfigError: host_config\.state_dir: "\/elsewhere" differs from the agent's state_dir \/var\/lib\/vigil-test; .*remove it from the host config$/);
});

void test("a host config value out of range is refused naming host_config and the field", () => {
  const path = file("bad.yaml", "log_rotation:\n  max_bytes: 10\n");
  assert.throws(() => loadHostConfig(path, "/var/lib/vigil-test"), /host_config\.log_rotation\.max_bytes: must be between 4096 and/);
});
