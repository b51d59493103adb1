// The retry delay doubles per failure up to the cap and is jittered within the upper half.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { retryDelayMs } from "./retry-delay.js";

void describe("retryDelayMs", () => {
  const policy = { initialMs: 100, maxMs: 5_000 };
  void it("doubles per consecutive failure until the cap", () => {
    assert.deepEqual([1, 2, 3, 4, 7, 50].map((failures) => retryDelayMs(failures, policy, () => 1)), [100, 200, 400, 800, 5_000, 5_000]);
  });
  void it("never waits less than half the cap, so retries stay spread but bounded", () => {
    assert.deepEqual([1, 3, 9].map((failures) => retryDelayMs(failures, policy, () => 0)), [50, 200, 2_500]);
  });
});
