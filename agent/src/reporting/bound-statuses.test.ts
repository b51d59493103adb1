// Heartbeats stay under the bus's payload limit whatever the accounts run: long command lines are cut,
// and the processes listed per service shrink (with a count of the omitted ones) until the report fits.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { boundCommandLine, MAX_COMMAND_BYTES } from "../reconciler/command-line-bound.js";
import { boundProcesses, DEFAULT_STATUS_BOUNDS } from "./bound-statuses.js";
import { heartbeatMessage } from "./report-messages.js";
import { BusMessage } from "@vigil/shared";
import { testProcesses, testStatus } from "../testing/status-fixtures.js";

const processes = testProcesses;
const status = testStatus;

void describe("boundCommandLine", () => {
  void it("keeps a command line up to 4 KiB and cuts a longer one at a character boundary with an ellipsis", () => {
    assert.equal(boundCommandLine("sleep 100"), "sleep 100");
    const cut = boundCommandLine("é".repeat(10_000));
    assert.ok(Buffer.byteLength(cut) <= MAX_COMMAND_BYTES, `${Buffer.byteLength(cut)} bytes`);
    assert.ok(cut.endsWith("é…"), "no broken character before the ellipsis");
  });
});

void describe("boundProcesses", () => {
  void it("lists every process of a small service and omits none", () => {
    assert.deepEqual(boundProcesses([processes(3)]), [{ processes: processes(3), omitted: 0 }]);
  });

  void it("caps the processes listed per service and counts the rest", () => {
    const [bounded] = boundProcesses([processes(1_000)]);
    assert.equal(bounded!.processes.length, DEFAULT_STATUS_BOUNDS.maxProcessesPerService);
    assert.equal(bounded!.omitted, 1_000 - DEFAULT_STATUS_BOUNDS.maxProcessesPerService);
  });

  void it("keeps a heartbeat of 200 services with 1,000 processes of 4 KiB command lines each under NATS's 1 MiB", () => {
    const long = boundCommandLine("x".repeat(100_000));
    const statuses = Array.from({ length: 200 }, (_, i) => status(`s${i}`, processes(1_000, long)));
    const message = heartbeatMessage(statuses, { id: "h-1", host: "h", sequence: 1 }, 1, { agentVersion: "v", appliedRevision: 1, outbox: { telemetryDropped: 0, eventsRefused: 0, eventsDeadLettered: 0 } });
    const size = BusMessage.encode(message).finish().length;
    assert.ok(size < 1024 * 1024, `heartbeat is ${size} bytes`);
    const services = message.body?.$case === "heartbeat" ? message.body.value.services : [];
    assert.equal(services.length, 200, "every service is still reported");
    assert.ok(services.every((service) => service.processesOmitted + service.processes.length === 1_000), "listed + omitted = all");
  });
});
