// Covers every (state, trigger) pair of the service state machine: the legal ones move to the
// expected state and emit the expected event, every other pair throws IllegalTransition.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SERVICE_STATES, type ServiceState } from "@vigil/shared";
import { IllegalTransition, SERVICE_TRIGGERS, type ServiceTrigger, transition } from "./service-state.js";

/** state, trigger, next state, emitted event kind: the specification, written out independently of the table. */
const LEGAL: ReadonlyArray<readonly [ServiceState, ServiceTrigger, ServiceState, string | null]> = [
  ["stopped", "start", "starting", null],
  ["stopped", "disable", "disabled", "disabled"],
  ["starting", "launched", "running", "started"],
  ["starting", "start-failed", "exited", "start-failed"],
  ["running", "main-exited", "exited", "exited"],
  ["running", "start-failed", "exited", "start-failed"],
  ["running", "health-failed", "stopping", "health-check-failed"],
  ["running", "stop", "stopping", "stopping"],
  ["stopping", "terminated", "stopped", "stopped"],
  ["stopping", "relaunch", "starting", "restarting"],
  ["stopping", "main-exited", "exited", "exited"],
  ["exited", "daemonized", "exited", "daemonized"],
  ["exited", "relaunch", "starting", "restarting"],
  ["exited", "delay", "backoff", "backoff"],
  ["exited", "disable", "disabled", "disabled"],
  ["backoff", "relaunch", "starting", "restarting"],
  ["backoff", "stop", "stopped", "stopped"],
  ["backoff", "disable", "disabled", "disabled"],
  ["disabled", "enable", "stopped", "enabled"],
];

void describe("service state machine", () => {
  for (const state of SERVICE_STATES) {
    for (const trigger of SERVICE_TRIGGERS) {
      const legal = LEGAL.find(([from, on]) => from === state && on === trigger);
      if (legal !== undefined) {
        const [, , next, emits] = legal;
        void it(`transition_${state}_on_${trigger}_goes_to_${next}_and_emits_${emits ?? "nothing"}`, () => {
          assert.deepEqual(transition(state, trigger), { next, emits });
        });
      } else {
        void it(`transition_${state}_on_${trigger}_is_illegal_and_throws`, () => {
          assert.throws(() => transition(state, trigger), (error: unknown) => {
            assert.ok(error instanceof IllegalTransition);
            assert.equal(error.message, `illegal service transition: ${trigger} in state ${state}`);
            return true;
          });
        });
      }
    }
  }

  void it("every state can be reached and left", () => {
    for (const state of SERVICE_STATES) {
      assert.ok(LEGAL.some(([from]) => from === state), `${state} has no way out`);
      assert.ok(LEGAL.some(([, , next]) => next === state), `${state} cannot be reached`);
    }
  });
});
