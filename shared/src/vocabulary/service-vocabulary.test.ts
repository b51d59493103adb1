// Tests of the shared service vocabulary: protocol strings narrow to known states and kinds only,
// and a stored status knows every supervision state plus the coordinator's own "unknown".
import assert from "node:assert/strict";
import { test } from "node:test";
import { asServiceEventKind, asServiceState, asServiceStatusState, SERVICE_STATES, SERVICE_STATUS_STATES } from "./service-vocabulary.js";

void test("a stored status may hold every supervision state and unknown, nothing else", () => {
  assert.deepEqual(SERVICE_STATUS_STATES, [...SERVICE_STATES, "unknown"]);
});

void test("protocol strings narrow to states and kinds only when they are known", () => {
  assert.equal(asServiceState("running"), "running");
  assert.equal(asServiceState("unknown"), undefined, "no agent reports unknown");
  assert.equal(asServiceStatusState("unknown"), "unknown");
  assert.equal(asServiceStatusState("Running"), undefined);
  assert.equal(asServiceEventKind("health-check-failed"), "health-check-failed");
  assert.equal(asServiceEventKind("starting"), undefined, "starting is a state, never an event kind");
  assert.equal(asServiceEventKind(""), undefined);
});
