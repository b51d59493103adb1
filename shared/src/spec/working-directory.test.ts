// Specification of working directory normalisation: clean relative paths that never leave
// the account's home, whatever dots and slashes the user typed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { normaliseWorkingDirectory } from "./working-directory.js";

const normalised: [string, string][] = [
  ["", ""],
  [".", ""],
  ["./", ""],
  ["./a//b/", "a/b"],
  ["a/./b/.", "a/b"],
  ["a/b/../c", "a/c"],
  ["a/..", ""],
  ["apps/chat server", "apps/chat server"],
  ["...", "..."],
  ["~", "~"],
];

for (const [raw, expected] of normalised) {
  void test(`normalises ${JSON.stringify(raw)} to ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(normaliseWorkingDirectory(raw), { ok: true, value: expected });
  });
}

const refused: [string, string][] = [
  ["/", "must be relative to the account's home directory"],
  ["/home/other", "must be relative to the account's home directory"],
  ["..", "must not leave the account's home directory"],
  ["a/../..", "must not leave the account's home directory"],
  ["./../home/other", "must not leave the account's home directory"],
  ["a\0b", "must not contain NUL characters"],
];

for (const [raw, rule] of refused) {
  void test(`refuses ${JSON.stringify(raw)}: ${rule}`, () => {
    assert.deepEqual(normaliseWorkingDirectory(raw), { ok: false, errors: [{ field: "working_directory", rule }] });
  });
}
