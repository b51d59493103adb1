// What operators read (issue 12): an event is never shown as a self-transition such as
// "stopping -> stopping", and a service whose log cannot be written says so in `service ls/show`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Service, ServiceEvent } from "@vigil/shared";
import { eventLine } from "../operator/observe-commands.js";
import { PLAIN } from "./colour.js";
import { serviceDetails, serviceTable } from "./service-views.js";


function event(kind: string, state: string): ServiceEvent {
  return ServiceEvent.fromPartial({ service: { account: "acme", name: "web" }, kind, state, atMs: Date.UTC(2026, 0, 1), message: "m" });
}

function service(logDegraded: boolean): Service {
  return Service.fromPartial({
    account: "acme",
    name: "web",
    status: { state: "running", mainPid: 42, logDegraded, logLinesDropped: 17, processes: [{ pid: 42 }], processesOmitted: 3 },
  });
}

void describe("what the CLI prints", () => {
  void it("prints an event whose kind names its state once, and kind -> state otherwise", () => {
    assert.equal(eventLine(event("stopping", "stopping")), "2026-01-01T00:00:00Z  acme/web  stopping  m");
    assert.equal(eventLine(event("started", "running")), "2026-01-01T00:00:00Z  acme/web  started -> running  m");
  });

  void it("prints a host's own event with the host and no service", () => {
    const down = ServiceEvent.fromPartial({ host: "h1", service: { account: "", name: "" }, kind: "host-down", state: "unknown", atMs: Date.UTC(2026, 0, 1), message: "missed its heartbeats for 30 s" });
    assert.equal(eventLine(down), "2026-01-01T00:00:00Z  host h1  down  missed its heartbeats for 30 s");
    const moved = ServiceEvent.fromPartial({ host: "h1", service: { account: "acme", name: "" }, kind: "account-moved", state: "unknown", atMs: Date.UTC(2026, 0, 1), message: "moved acme (2 service(s)) from h1 to h2" });
    assert.equal(eventLine(moved), "2026-01-01T00:00:00Z  host h1  account-moved  moved acme (2 service(s)) from h1 to h2");
  });

  void it("flags a service whose log cannot be written in service ls and service show", () => {
    assert.match(serviceTable([service(true)], PLAIN), /running \(log-write-failed\)/);
    assert.doesNotMatch(serviceTable([service(false)], PLAIN), /log-write-failed/);
    const details = serviceDetails(service(true), PLAIN);
    assert.match(details, /^log: +log-write-failed: output is dropped \(17 lines so far\)$/m);
    assert.match(details, /^processes: +1 listed, 3 more not listed$/m);
  });

  void it("flags a running service whose task limit refuses its forks in service ls and service show", () => {
    const limited = Service.fromPartial({ ...service(false), status: { ...service(false).status, taskLimitReached: true, taskLimitHits: 1040 } });
    assert.match(serviceTable([limited], PLAIN), /running \(task-limit\)/);
    assert.doesNotMatch(serviceTable([service(false)], PLAIN), /task-limit/);
    assert.match(serviceDetails(limited, PLAIN), /^tasks: +task limit reached: 1040 forks refused in this run$/m);
    assert.match(serviceDetails(service(false), PLAIN), /^tasks: +-$/m);
  });

  void it("shows the account's own address in service show, and a dash on a host that gives none", () => {
    assert.match(serviceDetails({ ...service(false), accountAddress: "2001:db8:a::1" }, PLAIN), /^address: +2001:db8:a::1$/m);
    assert.match(serviceDetails(service(false), PLAIN), /^address: +-$/m);
  });
});
