// Real processes: a service desired stopped is stopped (its whole tree, with escalation) and stays
// known, its log tail still readable; desired running again, it runs with a new pid.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { isAlive } from "./driver/driver-test-kit.js";
import { pidsWithMarker, type RealHost, realHost, waitUntil } from "./testing/real-host.js";

let real: RealHost;
before(async () => (real = await realHost()));
after(() => real.cleanup());

const keyOf = (name: string): string => `${real.user.name}/${name}`;

void describe("real processes: stop and start by desired state", () => {
  void it("stop ends the whole tree and keeps the log tail readable; start runs it again with a new pid", async () => {
    const mark = `${randomInt(10_000_000, 99_999_999)}`;
    // The shell ignores SIGTERM, so stopping it needs the escalation to SIGKILL.
    const command = `trap '' TERM; sleep ${mark} & echo "hello from $$"; while true; do sleep 0.1; done`;
    const desired = real.desired({ name: "stoppable", command });
    await real.host.apply([desired]);
    const first = await real.waitForStatus("stoppable", (s) => s.state === "running", "running");
    await waitUntil(async () => ((await real.host.tailLog(keyOf("stoppable"), 5)).some((line) => line.startsWith("hello from")) ? true : undefined), "the greeting");

    const { plan } = await real.host.apply([{ ...desired, desiredState: "stopped" }]);
    assert.equal(plan.halt.length, 1);
    const stopped = await real.status("stoppable");
    assert.deepEqual([stopped.state, stopped.mainPid, stopped.processes.length], ["stopped", null, 0]);
    assert.equal(isAlive(first.mainPid!), false);
    assert.deepEqual(pidsWithMarker(mark), [], "the background child is gone too");
    const tail = await real.host.readLog(keyOf("stoppable"), { tail: 4 });
    assert.ok(tail.lines.some((line) => line.startsWith("hello from")), tail.lines.join("\n"));
    assert.ok(tail.lines.some((line) => /\[vigil\] .*SIGKILL/.test(line)), tail.lines.join("\n"));
    assert.match(tail.lines.at(-1) ?? "", /\[vigil\] stopped$/);

    await real.host.apply([desired]);
    const second = await real.waitForStatus("stoppable", (s) => s.state === "running", "running again");
    assert.notEqual(second.mainPid, first.mainPid);
    assert.equal(second.restarts, 0, "a requested start is not a restart after a failure");
    const resumed = await waitUntil(async () => {
      const chunk = await real.host.readLog(keyOf("stoppable"), { from: tail.next, maxLines: 10 });
      return chunk.lines.some((line) => line.startsWith("hello from")) ? chunk.lines : undefined;
    }, "the second greeting");
    assert.match(resumed[0] ?? "", new RegExp(`\\[vigil\\] started with pid ${second.mainPid}$`));
    assert.ok(!real.events.some((event) => event.service === "stoppable" && (event.kind === "exited" || event.kind === "disabled")));
  });
});
