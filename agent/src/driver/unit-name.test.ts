// Unit names become single, safe path components (cgroup and record file names)
// and can be read back from a cgroup's name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeUnit, unescapeUnit } from "./unit-name.js";

void test("a unit with a slash and a dot becomes one path component that reads back", () => {
  assert.equal(escapeUnit("alice/web.health"), "alice%2Fweb%2Ehealth");
  assert.equal(unescapeUnit("alice%2Fweb%2Ehealth"), "alice/web.health");
});

void test("units that look like '..' or kernel files cannot escape or collide", () => {
  assert.equal(escapeUnit(".."), "%2E%2E");
  assert.equal(escapeUnit("cgroup.procs"), "cgroup%2Eprocs");
});

void test("non-ASCII units round-trip", () => {
  assert.equal(unescapeUnit(escapeUnit("zoë/wéb")), "zoë/wéb");
});

void test("an empty unit is refused with the field and the rule", () => {
  assert.throws(() => escapeUnit(""), /unit: must not be empty/);
});
