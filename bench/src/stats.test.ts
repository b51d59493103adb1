// Tests of the bench statistics: nearest-rank percentiles, medians and ratios to the best peer,
// including the empty and zero cases the report prints as "—".
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { best, median, percentile, ratio } from "./stats.js";

void describe("bench statistics", () => {
  void it("median of odd and even sample counts, unsorted input", () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
  });

  void it("nearest-rank percentiles: p95 of 1..100 is 95, p99 of 1..30 is the maximum", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(hundred, 95), 95);
    assert.equal(percentile(hundred, 50), 50);
    assert.equal(percentile(Array.from({ length: 30 }, (_, i) => i + 1), 99), 30);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([], 95), null);
  });

  void it("refuses a percentile outside (0, 100]", () => {
    assert.throws(() => percentile([1], 0), /percentile p must be in \(0, 100\], got 0/);
    assert.throws(() => percentile([1], 101), /got 101/);
  });

  void it("best peer: lowest or highest measured figure, ignoring the unmeasured", () => {
    assert.equal(best([120, null, 80], true), 80);
    assert.equal(best([120, null, 80], false), 120);
    assert.equal(best([null, null], true), null);
  });

  void it("ratio to the best peer; none against a missing or zero reference", () => {
    assert.equal(ratio(50, 100), 0.5);
    assert.equal(ratio(null, 100), null);
    assert.equal(ratio(3, 0), null);
    assert.equal(ratio(3, null), null);
  });
});
