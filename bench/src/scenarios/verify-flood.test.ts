// Tests of the flood verifier: a clean log passes, and each kind of damage (missing, reordered,
// duplicated, split lines) is counted as such, with the supervisor's own lines ignored.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { floodLine, verifyFlood } from "./verify-flood.js";

const clean = (n: number): string[] => Array.from({ length: n }, (_, i) => floodLine(i + 1));

void describe("flood log verification", () => {
  void it("a flood line is 99 characters, 100 bytes with its newline", () => {
    assert.equal(floodLine(200_000).length, 99);
  });

  void it("a complete, ordered log has nothing missing, reordered, duplicated or split", () => {
    assert.deepEqual(verifyFlood(clean(5), 5), { expected: 5, found: 5, missing: 0, outOfOrder: 0, duplicated: 0, split: 0 });
  });

  void it("skips the supervisor's own lines but counts foreign text as split", () => {
    const lines = ["2025-01-01T00:00:00.000Z [vigil] started with pid 7", ...clean(3), "garbage"];
    const verdict = verifyFlood(lines, 3, (line) => line.includes("[vigil]"));
    assert.equal(verdict.split, 1);
    assert.equal(verdict.missing, 0);
  });

  void it("counts a line cut in two as split pieces and the line as missing", () => {
    const whole = floodLine(2);
    const lines = [floodLine(1), whole.slice(0, 40), whole.slice(40), floodLine(3)];
    assert.deepEqual(verifyFlood(lines, 3), { expected: 3, found: 2, missing: 1, outOfOrder: 0, duplicated: 0, split: 2 });
  });

  void it("counts duplicates and lines that go backwards", () => {
    const lines = [floodLine(1), floodLine(3), floodLine(2), floodLine(3)];
    const verdict = verifyFlood(lines, 3);
    assert.equal(verdict.duplicated, 1);
    assert.equal(verdict.outOfOrder, 1);
    assert.equal(verdict.missing, 0);
  });
});
