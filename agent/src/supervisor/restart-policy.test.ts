// Table-driven tests of the restart decision with a fake clock: each case replays a series of
// failed runs and checks every decision, including backoff growth, reset and crash-loop disable.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_RESTART_POLICY, type CompiledRestartPolicy } from "@vigil/shared";
import {
  backoffDelay,
  CRASH_LOOP_REASON,
  decideRestart,
  EMPTY_FAILURE_HISTORY,
  type FailureHistory,
  recordFailure,
  type RestartDecision,
} from "./restart-policy.js";

const noJitter = { ...DEFAULT_RESTART_POLICY, jitterFraction: 0 };
const middle = (): number => 0.5;

/** A run: how long it ran before failing (null: failed to start), then the time until the next start. */
interface Run {
  readonly ranMs: number | null;
  readonly thenWaitMs: number;
}

function replay(policy: CompiledRestartPolicy, runs: readonly Run[], random = middle): string[] {
  let now = 1_000_000;
  let history: FailureHistory = EMPTY_FAILURE_HISTORY;
  return runs.map((run) => {
    const startedAt = run.ranMs === null ? null : now;
    now += run.ranMs ?? 0;
    history = recordFailure(policy, history, { startedAt, failedAt: now });
    const decision = decideRestart(policy, history, now, random);
    now += run.thenWaitMs;
    return describeDecision(decision);
  });
}

function describeDecision(decision: RestartDecision): string {
  return decision.action === "disable" ? `disable:${decision.reason}` : `restart:${decision.delayMs}:${decision.reason}`;
}

const quickCrash = (thenWaitMs: number): Run => ({ ranMs: 100, thenWaitMs });

void describe("restart policy", () => {
  const cases: Array<{ name: string; policy: CompiledRestartPolicy; runs: Run[]; expected: string[] }> = [
    {
      name: "restarts at once after the first failure",
      policy: noJitter,
      runs: [quickCrash(0)],
      expected: ["restart:0:first-failure"],
    },
    {
      name: "backs off exponentially on repeated quick failures",
      policy: { ...noJitter, maxFailures: 100 },
      runs: [quickCrash(0), quickCrash(1000), quickCrash(2000), quickCrash(4000), quickCrash(8000)],
      expected: ["restart:0:first-failure", "restart:1000:backoff", "restart:2000:backoff", "restart:4000:backoff", "restart:8000:backoff"],
    },
    {
      name: "never waits longer than the cap",
      policy: { ...noJitter, maxFailures: 100, backoffCapMs: 3000, failureWindowMs: 1 },
      runs: [quickCrash(0), quickCrash(1000), quickCrash(2000), quickCrash(3000), quickCrash(3000)],
      expected: ["restart:0:first-failure", "restart:1000:backoff", "restart:2000:backoff", "restart:3000:backoff", "restart:3000:backoff"],
    },
    {
      name: "a healthy run resets the backoff to an immediate restart",
      policy: { ...noJitter, maxFailures: 100 },
      runs: [quickCrash(0), quickCrash(1000), { ranMs: 10_000, thenWaitMs: 0 }, quickCrash(1000)],
      expected: ["restart:0:first-failure", "restart:1000:backoff", "restart:0:first-failure", "restart:1000:backoff"],
    },
    {
      name: "disables with crash-loop at exactly max_failures failures in the window",
      policy: noJitter,
      runs: [quickCrash(0), quickCrash(1000), quickCrash(2000), quickCrash(4000), quickCrash(0)],
      expected: ["restart:0:first-failure", "restart:1000:backoff", "restart:2000:backoff", "restart:4000:backoff", `disable:${CRASH_LOOP_REASON}`],
    },
    {
      name: "failures older than the window do not count towards a crash loop",
      policy: { ...noJitter, maxFailures: 2, failureWindowMs: 5000, healthyRunResetMs: 0 },
      runs: [quickCrash(6000), quickCrash(6000), quickCrash(0)],
      expected: ["restart:0:first-failure", "restart:1000:backoff", "restart:2000:backoff"],
    },
    {
      name: "healthy runs still count towards the crash-loop window",
      policy: { ...noJitter, maxFailures: 3, healthyRunResetMs: 10_000 },
      runs: [{ ranMs: 20_000, thenWaitMs: 0 }, { ranMs: 20_000, thenWaitMs: 0 }, { ranMs: 20_000, thenWaitMs: 0 }],
      expected: ["restart:0:first-failure", "restart:0:first-failure", `disable:${CRASH_LOOP_REASON}`],
    },
    {
      name: "start failures count like crashes",
      policy: { ...noJitter, maxFailures: 3 },
      runs: [{ ranMs: null, thenWaitMs: 0 }, { ranMs: null, thenWaitMs: 1000 }, { ranMs: null, thenWaitMs: 0 }],
      expected: ["restart:0:first-failure", "restart:1000:backoff", `disable:${CRASH_LOOP_REASON}`],
    },
    {
      name: "max_failures of 1 disables on the first failure",
      policy: { ...noJitter, maxFailures: 1 },
      runs: [quickCrash(0)],
      expected: [`disable:${CRASH_LOOP_REASON}`],
    },
    {
      name: "a configured first delay is used for the first restart",
      policy: { ...noJitter, firstRestartDelayMs: 250 },
      runs: [quickCrash(0)],
      expected: ["restart:250:first-failure"],
    },
  ];
  for (const { name, policy, runs, expected } of cases) {
    void it(name, () => assert.deepEqual(replay(policy, runs), expected));
  }

  const jitterCases: Array<[string, number, number]> = [
    ["the lowest random value shortens the delay by the jitter fraction", 0, 3200],
    ["the middle random value keeps the nominal delay", 0.5, 4000],
    ["the highest random value lengthens it by at most the jitter fraction", 0.999999, 4800],
  ];
  for (const [name, random, expected] of jitterCases) {
    void it(name, () => assert.equal(backoffDelay(DEFAULT_RESTART_POLICY, 3, () => random), expected));
  }

  void it("jitter never pushes a delay above the cap", () => {
    assert.equal(backoffDelay(DEFAULT_RESTART_POLICY, 20, () => 0.999999), DEFAULT_RESTART_POLICY.backoffCapMs);
  });
});
