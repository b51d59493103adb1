// Table-driven tests of the reconciler's diff: each case names what changed between the applied
// and the desired state and the bucket every service must land in.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DesiredServiceSpec } from "@vigil/shared";
import { testDesired } from "../testing/desired-fixtures.js";
import { desiredKey, planReconcile, type ReconcilePlan } from "./plan-reconcile.js";

const web = testDesired({ name: "web" });
const worker = testDesired({ name: "worker", command: "node worker.js" });

function bucketsOf(plan: ReconcilePlan): Record<string, string[]> {
  return {
    start: plan.start.map(desiredKey),
    stop: [...plan.stop],
    halt: plan.halt.map(desiredKey),
    resume: plan.resume.map(desiredKey),
    restart: plan.restart.map(desiredKey),
    updateInPlace: plan.updateInPlace.map(desiredKey),
    unchanged: [...plan.unchanged],
  };
}

function planOf(current: DesiredServiceSpec[], desired: DesiredServiceSpec[]): Record<string, string[]> {
  return bucketsOf(planReconcile(new Map(current.map((entry) => [desiredKey(entry), entry])), desired));
}

const empty = { start: [], stop: [], halt: [], resume: [], restart: [], updateInPlace: [], unchanged: [] };
const stoppedWeb = testDesired({ name: "web" }, { desiredState: "stopped" });

void describe("planReconcile", () => {
  const cases: Array<[string, DesiredServiceSpec[], DesiredServiceSpec[], Partial<Record<keyof ReconcilePlan, string[]>>]> = [
    ["a new service is started", [], [web], { start: ["alice/web"] }],
    ["a service no longer desired is stopped", [web, worker], [web], { stop: ["alice/worker"], unchanged: ["alice/web"] }],
    ["an identical service is left alone", [web], [testDesired({ name: "web" })], { unchanged: ["alice/web"] }],
    ["a changed command restarts", [web], [testDesired({ name: "web", command: "node v2.js" })], { restart: ["alice/web"] }],
    ["a changed environment restarts", [web], [testDesired({ name: "web", environment: { A: "1" } })], { restart: ["alice/web"] }],
    ["a changed working directory restarts", [web], [testDesired({ name: "web", workingDirectory: "app" })], { restart: ["alice/web"] }],
    ["changed ports restart", [web], [testDesired({ name: "web" }, { ports: [8301] })], { restart: ["alice/web"] }],
    ["a changed account uid restarts", [web], [testDesired({ name: "web" }, { account: { uid: 1501 } })], { restart: ["alice/web"] }],
    ["a changed account default environment restarts", [web], [testDesired({ name: "web" }, { account: { environment: { TZ: "UTC" } } })], { restart: ["alice/web"] }],
    ["disabling is applied in place", [web], [testDesired({ name: "web", isDisabled: true }, { disabledReason: "user" })], { updateInPlace: ["alice/web"] }],
    ["a new annotation is applied in place", [web], [testDesired({ name: "web", annotation: "v2" })], { updateInPlace: ["alice/web"] }],
    ["a new stop timeout is applied in place", [web], [testDesired({ name: "web", stopTimeoutMs: 1 })], { updateInPlace: ["alice/web"] }],
    [
      "a new health check is applied in place",
      [web],
      [testDesired({ name: "web", healthCheck: { command: "true", intervalMs: 1000, timeoutMs: 1000, graceMs: 0 } })],
      { updateInPlace: ["alice/web"] },
    ],
    ["the same name in another account is another service", [web], [web, testDesired({ name: "web" }, { account: { name: "bob" } })], { start: ["bob/web"], unchanged: ["alice/web"] }],
    ["the later of two entries for one key wins", [web], [testDesired({ name: "web", command: "x" }), testDesired({ name: "web" })], { unchanged: ["alice/web"] }],
    ["an empty desired state stops everything", [web, worker], [], { stop: ["alice/web", "alice/worker"] }],
    ["a new service desired stopped lands in start, to be made known without running", [], [stoppedWeb], { start: ["alice/web"] }],
    ["a running service desired stopped is halted, not removed", [web, worker], [stoppedWeb, worker], { halt: ["alice/web"], unchanged: ["alice/worker"] }],
    ["a stopped service desired running again is resumed", [stoppedWeb], [web], { resume: ["alice/web"] }],
    ["a stopped service applied again is left alone", [stoppedWeb], [testDesired({ name: "web" }, { desiredState: "stopped" })], { unchanged: ["alice/web"] }],
    ["a stopped service no longer desired is removed", [stoppedWeb], [], { stop: ["alice/web"] }],
    ["a new command with a stop takes the new definition through restart", [web], [testDesired({ name: "web", command: "v2" }, { desiredState: "stopped" })], { restart: ["alice/web"] }],
    ["a new annotation of a stopped service is applied in place", [stoppedWeb], [testDesired({ name: "web", annotation: "x" }, { desiredState: "stopped" })], { updateInPlace: ["alice/web"] }],
  ];
  for (const [name, current, desired, expected] of cases) {
    void it(name, () => assert.deepEqual(planOf(current, desired), { ...empty, ...expected }));
  }
});
