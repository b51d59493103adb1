// Event history rows as ServiceEvent messages: the recorder's payload (message, pid, exit with a
// code or a signal) comes back out as the agent sent it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { eventMessage } from "./service-messages.js";

const row = (payload: Record<string, unknown>) => ({
  id: "evt-1",
  position: 7,
  host: "host-a",
  account: "alpha",
  service: "web",
  kind: "exited" as const,
  state: "backoff",
  at: new Date(Date.UTC(2026, 0, 1)),
  sequence: 3,
  payload,
});

test("an exit with a code keeps the code; one by a signal keeps the signal", () => {
  const byCode = eventMessage(row({ message: "exited", pid: 42, restarts: 2, exit: { code: 1, signal: null, atMs: 5 } }));
  assert.deepEqual(byCode.exit, { hasCode: true, code: 1, signal: "", atMs: 5, reason: "" });
  assert.deepEqual([byCode.message, byCode.pid, byCode.restarts, byCode.sequence, byCode.atMs], ["exited", 42, 2, 3, Date.UTC(2026, 0, 1)]);
  assert.deepEqual(eventMessage(row({ exit: { code: null, signal: "SIGKILL", atMs: 6 } })).exit, { hasCode: false, code: 0, signal: "SIGKILL", atMs: 6, reason: "" });
  // The event's reason is the exit's: an OOM kill reads oom-killed wherever the exit is shown.
  assert.equal(eventMessage(row({ reason: "oom-killed", exit: { code: null, signal: "SIGKILL", atMs: 7 } })).exit?.reason, "oom-killed");
  assert.equal(eventMessage(row({})).exit, undefined);
});
