// Tests of the redial schedule: it grows, stays within its cap, jitters within half a step, and fails over between addresses before it backs off.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_RECONNECT_POLICY, FIRST_DIAL, nextDial, reconnectDelayMs } from "./reconnect-delay.js";

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

/** The delays and addresses of a run of connection outcomes (true: welcomed, then dropped). */
function run(addressCount: number, outcomes: readonly boolean[], random = 0.999_999): Array<[number, number]> {
  let state = FIRST_DIAL;
  return outcomes.map((welcomed) => {
    const next = nextDial(policy, addressCount, state, welcomed, random);
    state = next.state;
    return [next.state.index, next.delayMs];
  });
}

test("one address: a dropped link is redialled after the first step, failures back off as before", () => {
  assert.deepEqual(run(1, [true, false, false, false, true, false]), [[0, 500], [0, 1000], [0, 2000], [0, 4000], [0, 500], [0, 1000]]);
});

test("two addresses: a dropped link fails over to the other at once, and backoff starts only when both failed", () => {
  const withFailover = { ...policy, failoverMs: 200 };
  let state = FIRST_DIAL;
  const dropped = nextDial(withFailover, 2, state, true, 0.5);
  assert.deepEqual(dropped, { state: { index: 1, failedInRound: 1, failedRounds: 0 }, delayMs: 100 }, "the other address, within the failover pause");
  state = dropped.state;
  const bothDown = nextDial(withFailover, 2, state, false, 0.999_999);
  assert.deepEqual(bothDown, { state: { index: 0, failedInRound: 0, failedRounds: 1 }, delayMs: 500 }, "the first backoff step once the round failed");
  state = bothDown.state;
  const firstAgain = nextDial(withFailover, 2, state, false, 0);
  assert.deepEqual(firstAgain.state, { index: 1, failedInRound: 1, failedRounds: 1 });
  assert.equal(firstAgain.delayMs, 0, "within a round the next address is tried at once");
  assert.equal(nextDial(withFailover, 2, firstAgain.state, false, 0.999_999).delayMs, 1000, "the second failed round backs off longer");
});

test("three addresses: an unreachable first address is skipped without backoff, and the cycle wraps around", () => {
  assert.deepEqual(run(3, [false, false, false, false]).map(([index]) => index), [1, 2, 0, 1]);
  assert.deepEqual(run(3, [false, false, false]).map(([, delay]) => delay > 250), [false, false, true]);
  assert.deepEqual(run(3, [false, true]), [[1, 250], [2, 250]], "a link that worked starts a fresh round");
});
