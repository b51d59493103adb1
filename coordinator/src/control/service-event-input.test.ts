// An agent's log-write events set and clear the status flag that `vigil service ls/show` shows.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ServiceEvent } from "@vigil/shared";
import { mapServiceEvent } from "./service-event-input.js";

const logEvent = (kind: string) => ServiceEvent.fromPartial({ id: "h-b-1", host: "svc1", service: { account: "alice", name: "web" }, kind, state: "running", atMs: 1, pid: 42, sequence: 1 });

void describe("mapServiceEvent", () => {
  void it("flags the log as degraded on log-write-failed and clears the flag on log-write-recovered, leaving the service running", () => {
    const failed = mapServiceEvent(logEvent("log-write-failed"));
    const recovered = mapServiceEvent(logEvent("log-write-recovered"));
    assert.ok(failed.kind === "event" && recovered.kind === "event");
    assert.equal(failed.input.status?.logDegraded, true);
    assert.equal(recovered.input.status?.logDegraded, false);
    assert.equal(failed.input.state, "running");
  });

  void it("flags a reached task limit on task-limit-reached, leaving the service running, and clears it when the service starts again", () => {
    const reached = mapServiceEvent(logEvent("task-limit-reached"));
    const started = mapServiceEvent(logEvent("started"));
    assert.ok(reached.kind === "event" && started.kind === "event");
    assert.equal(reached.input.kind, "task-limit-reached");
    assert.equal(reached.input.state, "running");
    assert.equal(reached.input.status?.taskLimitHits, 1);
    assert.equal(started.input.status?.taskLimitHits, 0);
  });

  void it("leaves the flag alone for any other event", () => {
    const started = mapServiceEvent(logEvent("started"));
    assert.ok(started.kind === "event");
    assert.equal(started.input.status?.logDegraded, undefined);
  });
});
