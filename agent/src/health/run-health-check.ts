// Runs one health check through the process driver: as the service's user, environment and
// directory, in its own unit; at the timeout the whole tree is killed. Returns what a user needs.
import type { Readable } from "node:stream";
import type { LaunchRequest, ProcessDriver } from "../driver/process-driver.js";
import type { Clock, TimerHandle } from "../runtime/clock.js";
import { terminateUnit } from "../supervisor/terminate-hook.js";
import { OutputTail } from "./output-tail.js";

export const HEALTH_FAILURES = {
  exit: "health-check-failed",
  timeout: "health-check-timeout",
  startFailed: "health-check-start-failed",
} as const;
export type HealthFailureReason = (typeof HEALTH_FAILURES)[keyof typeof HEALTH_FAILURES];

export type HealthCheckResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: HealthFailureReason; readonly detail: string; readonly output: string };

/** How long to wait for the rest of the output once the check's processes are gone. */
const OUTPUT_DRAIN_MS = 1_000;

export interface HealthCheckRun {
  readonly result: Promise<HealthCheckResult>;
  /** Kills the check (whole tree) if it is still running; result then resolves soon. */
  abort(): void;
}

export function runHealthCheck(driver: ProcessDriver, clock: Clock, request: LaunchRequest, timeoutMs: number): HealthCheckRun {
  let abort: () => void = () => {};
  const aborted = new Promise<"aborted">((resolve) => (abort = () => resolve("aborted")));
  return { result: execute(driver, clock, request, timeoutMs, aborted), abort: () => abort() };
}

async function execute(driver: ProcessDriver, clock: Clock, request: LaunchRequest, timeoutMs: number, aborted: Promise<"aborted">): Promise<HealthCheckResult> {
  let launched;
  try {
    launched = await driver.launch(request);
  } catch (error) {
    return { ok: false, reason: HEALTH_FAILURES.startFailed, detail: `could not start: ${(error as Error).message}`, output: "" };
  }
  const tail = new OutputTail();
  tail.follow(launched.output);
  let timer: TimerHandle | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = clock.setTimer(timeoutMs, () => resolve("timeout"))));
  const outcome = await Promise.race([launched.exited, timedOut, aborted]);
  timer?.cancel();
  // Whatever the check started ends with it, also after a normal exit.
  await terminateUnit(driver, launched.tracking, { signal: "SIGKILL", timeoutMs: 1_000 });
  await driver.release(launched.tracking);
  await drain(launched.output, clock);
  if (outcome === "timeout") return { ok: false, reason: HEALTH_FAILURES.timeout, detail: `timed out after ${(timeoutMs / 1000).toFixed(1)} s`, output: tail.value() };
  if (outcome === "aborted") return { ok: true };
  if (outcome.code === 0) return { ok: true };
  const detail = outcome.signal !== null ? `killed by signal ${outcome.signal}` : `exit code ${outcome.code}`;
  return { ok: false, reason: HEALTH_FAILURES.exit, detail, output: tail.value() };
}

function drain(output: Readable, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    if (output.readableEnded || output.destroyed) return resolve();
    const timer = clock.setTimer(OUTPUT_DRAIN_MS, resolve);
    const done = (): void => {
      timer.cancel();
      resolve();
    };
    output.once("end", done);
    output.once("close", done);
    output.once("error", done);
  });
}
