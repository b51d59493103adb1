// Specification of spec fingerprints: stable across key order, sensitive to every change,
// and a launch fingerprint that moves only when the process must start again.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CompiledServiceSpec, DesiredServiceSpec } from "./compiled-service-spec.js";
import { NO_LIMITS } from "./resource-limits.js";
import { canonicalJson, fnv1a64, launchFingerprint, sameSpec, specHash } from "./spec-hash.js";

const spec: CompiledServiceSpec = {
  name: "queue",
  command: "php worker.php",
  workingDirectory: "",
  environment: { B: "2", A: "1" },
  healthCheck: null,
  isDisabled: false,
  annotation: "",
  stopSignal: "SIGTERM",
  stopTimeoutMs: 10_000,
  limits: NO_LIMITS,
};
const reordered: CompiledServiceSpec = {
  stopTimeoutMs: 10_000,
  limits: NO_LIMITS,
  stopSignal: "SIGTERM",
  annotation: "",
  isDisabled: false,
  healthCheck: null,
  environment: { A: "1", B: "2" },
  workingDirectory: "",
  command: "php worker.php",
  name: "queue",
};
const desired: DesiredServiceSpec = {
  account: { name: "acme", unixUser: "acme", uid: 1001, gid: 1001, home: "/home/acme", environment: {}, languageVersions: { PHP_VERSION: "8.3" }, limits: NO_LIMITS },
  spec,
  ports: [8300],
  disabledReason: "",
  desiredState: "running",
};

void test("canonical JSON sorts keys at every level and drops undefined", () => {
  assert.equal(canonicalJson({ b: [{ d: 1, c: undefined }, null], a: "x" }), '{"a":"x","b":[{"d":1},null]}');
});

void test("FNV-1a matches its published test vectors", () => {
  assert.equal(fnv1a64(""), "cbf29ce484222325");
  assert.equal(fnv1a64("a"), "af63dc4c8601ec8c");
  assert.equal(fnv1a64("foobar"), "85944171f73967e8");
});

void test("the spec hash does not depend on key order", () => {
  assert.equal(specHash(spec), specHash(reordered));
  assert.equal(sameSpec(spec, reordered), true);
  assert.match(specHash(spec), /^[0-9a-f]{16}$/);
});

void test("the spec hash changes with any field, annotation included", () => {
  const variants: CompiledServiceSpec[] = [
    { ...spec, command: "php worker.php -v" },
    { ...spec, environment: { A: "1", B: "3" } },
    { ...spec, annotation: "note" },
    { ...spec, isDisabled: true },
    { ...spec, healthCheck: { command: "true", intervalMs: 30_000, timeoutMs: 10_000, graceMs: 30_000 } },
    { ...spec, stopTimeoutMs: 9_999 },
  ];
  const hashes = new Set([specHash(spec), ...variants.map(specHash)]);
  assert.equal(hashes.size, variants.length + 1);
  for (const variant of variants) assert.equal(sameSpec(spec, variant), false);
});

void test("the launch fingerprint ignores what applies without a restart", () => {
  const calm = {
    ...desired,
    spec: { ...spec, annotation: "x", isDisabled: true, stopSignal: "SIGINT", stopTimeoutMs: 1, healthCheck: { command: "true", intervalMs: 1_000, timeoutMs: 100, graceMs: 0 } },
    disabledReason: "user",
  };
  assert.equal(launchFingerprint(calm), launchFingerprint(desired));
  assert.equal(launchFingerprint({ ...desired, spec: reordered }), launchFingerprint(desired));
});

void test("the launch fingerprint changes with what the process was started with", () => {
  const restarts: DesiredServiceSpec[] = [
    { ...desired, spec: { ...spec, command: "php other.php" } },
    { ...desired, spec: { ...spec, workingDirectory: "w" } },
    { ...desired, spec: { ...spec, environment: { A: "1" } } },
    { ...desired, ports: [8301] },
    { ...desired, account: { ...desired.account, languageVersions: { PHP_VERSION: "8.4" } } },
    { ...desired, account: { ...desired.account, uid: 1002 } },
  ];
  for (const changed of restarts) assert.notEqual(launchFingerprint(changed), launchFingerprint(desired));
});
