// Tests of compileHostConfig: defaults, overrides, and errors that name the field and the rule.
// The agent relies on every threshold being present and valid after this step.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatFieldErrors } from "../errors.js";
import { compileHostConfig, type CompiledHostConfig } from "./host-config.js";

function compileOk(input: unknown): CompiledHostConfig {
  const result = compileHostConfig(input);
  assert.ok(result.ok, result.ok ? "" : formatFieldErrors(result.errors));
  return result.value;
}

function errorsOf(input: unknown): string[] {
  const result = compileHostConfig(input);
  assert.equal(result.ok, false);
  return result.ok ? [] : result.errors.map((error) => `${error.field}: ${error.rule}`);
}

void describe("compileHostConfig", () => {
  void it("defaults every threshold when the config is empty", () => {
    const config = compileOk({});
    assert.deepEqual(config.restartPolicy, {
      firstRestartDelayMs: 0,
      backoffBaseMs: 1000,
      backoffFactor: 2,
      backoffCapMs: 60000,
      jitterFraction: 0.2,
      healthyRunResetMs: 10000,
      maxFailures: 5,
      failureWindowMs: 120000,
      startFailureWindowMs: 2000,
    });
    assert.equal(config.stopTimeoutMs, 10000);
    assert.deepEqual(config.baseEnvironment, { PATH: "/usr/local/bin:/usr/bin:/bin", LANG: "C.UTF-8" });
    assert.deepEqual(config.logRotation, { maxBytes: 10 * 1024 * 1024, keepFiles: 5 });
    assert.equal(config.cgroupRoot, null);
    assert.equal(config.stateDir, "/var/lib/vigil", "the agent's own state_dir default: one default for both");
    assert.equal(config.allowSetuid, false, "services run with no_new_privs unless the operator allows setuid programs");
    assert.equal(config.minimumUid, 1000);
  });

  void it("takes the operator's privilege settings", () => {
    const config = compileOk({ allow_setuid: true, minimum_uid: 5000 });
    assert.equal(config.allowSetuid, true);
    assert.equal(config.minimumUid, 5000);
  });

  void it("takes the operator's values and maps language versions to PATH directories", () => {
    const config = compileOk({
      restart_policy: { max_failures: 3, failure_window_ms: 5000, backoff_cap_ms: 2000 },
      stop_timeout_ms: 500,
      base_environment: { PATH: "/bin", TZ: "UTC" },
      language_paths: { NODEJS_VERSION: { "20": "/opt/node/20/bin", "18": ["/opt/node/18/bin", "/opt/node/18/lib/bin"] } },
      log_rotation: { max_bytes: 65536, keep_files: 2 },
      cgroup_root: "/sys/fs/cgroup/unified/vigil",
      state_dir: "/tmp/vigil-state",
    });
    assert.equal(config.restartPolicy.maxFailures, 3);
    assert.equal(config.restartPolicy.failureWindowMs, 5000);
    assert.equal(config.restartPolicy.backoffBaseMs, 1000);
    assert.equal(config.stopTimeoutMs, 500);
    assert.deepEqual(config.baseEnvironment, { PATH: "/bin", TZ: "UTC" });
    assert.deepEqual(config.languagePaths, { NODEJS_VERSION: { "20": ["/opt/node/20/bin"], "18": ["/opt/node/18/bin", "/opt/node/18/lib/bin"] } });
    assert.deepEqual(config.logRotation, { maxBytes: 65536, keepFiles: 2 });
    assert.equal(config.cgroupRoot, "/sys/fs/cgroup/unified/vigil");
    assert.equal(config.stateDir, "/tmp/vigil-state");
  });

  const invalid: Array<[string, unknown, string]> = [
    ["a config that is not an object", [], "(config): must be an object"],
    ["an unknown top-level setting", { stop_timeout: 5 }, "stop_timeout: is not a known setting"],
    ["an unknown restart setting", { restart_policy: { max_failure: 5 } }, "restart_policy.max_failure: is not a known setting"],
    ["a fractional max_failures", { restart_policy: { max_failures: 2.5 } }, "restart_policy.max_failures: must be an integer"],
    ["max_failures of zero", { restart_policy: { max_failures: 0 } }, "restart_policy.max_failures: must be between 1 and 1000"],
    ["a jitter of 1", { restart_policy: { jitter_fraction: 1 } }, "restart_policy.jitter_fraction: must be between 0 and 0.9"],
    ["a cap below the base", { restart_policy: { backoff_base_ms: 5000, backoff_cap_ms: 1000 } }, "restart_policy.backoff_cap_ms: must be at least backoff_base_ms"],
    ["a negative stop timeout", { stop_timeout_ms: -1 }, "stop_timeout_ms: must be between 0 and 3600000"],
    ["a bad variable name", { base_environment: { "1X": "a" } }, "base_environment.1X: must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)"],
    ["a non-string variable", { base_environment: { X: 1 } }, "base_environment.X: must be a string without NUL characters"],
    ["a relative language path", { language_paths: { NODEJS_VERSION: { "20": "opt/node" } } }, "language_paths.NODEJS_VERSION.20: must be an absolute directory without ':' or a non-empty list of them"],
    ["a tiny rotation size", { log_rotation: { max_bytes: 10 } }, "log_rotation.max_bytes: must be between 4096 and 1099511627776"],
    ["a relative state dir", { state_dir: "var/lib" }, "state_dir: must be an absolute path without NUL characters"],
    ["allow_setuid as a string", { allow_setuid: "yes" }, "allow_setuid: must be true or false"],
    ["a minimum uid of 0 (root)", { minimum_uid: 0 }, "minimum_uid: must be between 1 and 4294967294"],
    ["a fractional minimum uid", { minimum_uid: 1000.5 }, "minimum_uid: must be an integer"],
    ["a restart policy that is a string", { restart_policy: "fast" }, "restart_policy: must be an object"],
  ];
  for (const [what, input, expected] of invalid) {
    void it(`rejects ${what} naming the field`, () => {
      assert.deepEqual(errorsOf(input), [expected]);
    });
  }

  void it("reports every broken field at once", () => {
    assert.deepEqual(errorsOf({ stop_timeout_ms: "10s", log_rotation: { keep_files: 0 } }), [
      "stop_timeout_ms: must be an integer",
      "log_rotation.keep_files: must be between 1 and 100",
    ]);
  });

  void it("account_address_prefix: unset is null (accounts share the host's network); an IPv6 /64-/120 is kept canonical", () => {
    assert.equal(compileOk({}).accountAddressPrefix, null);
    assert.equal(compileOk({ account_address_prefix: "2001:DB8:A::/64" }).accountAddressPrefix, "2001:db8:a::/64");
  });

  void it("account_address_prefix: anything but an IPv6 prefix of /64-/120 is refused with the rule", () => {
    assert.deepEqual(errorsOf({ account_address_prefix: "10.0.0.0/8" }), ['account_address_prefix: must be an IPv6 prefix such as 2001:db8:a::/64 (got "10.0.0.0/8")']);
    assert.deepEqual(errorsOf({ account_address_prefix: "2001:db8::/32" }), ["account_address_prefix: must be a /64 to /120 (got /32)"]);
    assert.deepEqual(errorsOf({ account_address_prefix: 64 }), ["account_address_prefix: must be a string"]);
  });

  void it("account_address_uplink: an interface name, only with a prefix", () => {
    assert.equal(compileOk({ account_address_prefix: "2001:db8:a::/64", account_address_uplink: "eth0.100" }).accountAddressUplink, "eth0.100");
    assert.equal(compileOk({}).accountAddressUplink, null);
    assert.deepEqual(errorsOf({ account_address_prefix: "2001:db8:a::/64", account_address_uplink: "../x" }), ["account_address_uplink: must be a network interface name (1-15 letters, digits, _ . : @ -)"]);
    assert.deepEqual(errorsOf({ account_address_prefix: "2001:db8:a::/64", account_address_uplink: ".." }), ["account_address_uplink: must be a network interface name (1-15 letters, digits, _ . : @ -)"]);
    assert.deepEqual(errorsOf({ account_address_uplink: "eth0" }), ["account_address_uplink: needs account_address_prefix"]);
  });
});
