// Tests of the redial schedule: it grows, stays within its cap, and jitters within half a step.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_RECONNECT_POLICY, reconnectDelayMs } from "./reconnect-delay.js";

const policy = { baseMs: 500, maxMs: 10_000 };

test("reconnect delay doubles per attempt until the cap", () => {
  const steps = [1, 2, 3, 4, 5, 6, 7].map((attempt) => reconnectDelayMs(policy, attempt, 0.999_999));
  assert.deepEqual(steps, [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test("reconnect delay jitters between half a step and a full step", () => {
  assert.equal(reconnectDelayMs(policy, 3, 0), 1000);
  assert.equal(reconnectDelayMs(policy, 3, 0.5), 1500);
  for (let attempt = 1; attempt < 40; attempt++) {
    const delay = reconnectDelayMs(DEFAULT_RECONNECT_POLICY, attempt, Math.random());
    assert.ok(delay >= DEFAULT_RECONNECT_POLICY.baseMs / 2 && delay <= DEFAULT_RECONNECT_POLICY.maxMs, `attempt ${attempt}: ${delay}`);
  }
});
