// Hooks around one run of a service: its health checks (started after launch, stopped before the
// run ends) and the main process's exit status once the run's processes are gone.
import type { DesiredServiceSpec } from "@vigil/shared";
import type { ExitStatus, LaunchedProcess, LaunchLimits } from "../driver/process-driver.js";
import { HealthChecker, type HealthFailure } from "../health/health-checker.js";
import type { Clock } from "../runtime/clock.js";
import { buildLaunchRequest, type LaunchContext } from "./launch-hook.js";
import type { TaskLimitWatch } from "./task-limit-watch.js";

/** One launch of a service, from "started" until its processes are gone. */
export interface ServiceRun {
  readonly launched: LaunchedProcess;
  /** The output copied into the log to its end. */
  readonly logged: Promise<void>;
  health: HealthChecker | null;
  /** The limits its cgroups carry now: a live update rewrites them. */
  limits?: LaunchLimits | undefined;
  /** Polls its task limit's counter while it runs (only with a task limit). */
  taskLimit?: TaskLimitWatch;
}

/** The driver reports the main exit from its own wait, a moment after the unit is empty. */
const EXIT_REPORT_WAIT_MS = 1_000;

export function startHealthChecks(
  run: ServiceRun,
  context: LaunchContext & { readonly clock: Clock },
  desired: DesiredServiceSpec,
  unit: string,
  onFailure: (failure: HealthFailure) => void,
): void {
  const check = desired.spec.healthCheck;
  if (!check) return;
  const built = buildLaunchRequest(context, desired, unit, check.command);
  if (!built.ok) return; // the service itself started with the same environment, so this cannot refuse
  run.health = new HealthChecker({
    driver: context.driver,
    clock: context.clock,
    check,
    graceMs: check.graceMs > 0 ? check.graceMs : context.config.healthCheckGraceMs,
    request: built.request,
    onFailure,
    onError: context.onError,
  });
  run.health.start();
}

export async function stopHealthChecks(run: ServiceRun): Promise<void> {
  const health = run.health;
  run.health = null;
  await health?.stop();
}

/** Waits (bounded) until the last run's output is in the log, so closing the log loses none of it. */
export function outputLogged(run: ServiceRun | null, clock: Clock): Promise<void> {
  if (run === null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = clock.setTimer(EXIT_REPORT_WAIT_MS, resolve);
    void run.logged.then(() => {
      timer.cancel();
      resolve();
    });
  });
}

/** The main process's exit once the run has been ended, or null if the driver has not reported it in time. */
export function settledExit(run: ServiceRun, clock: Clock): Promise<ExitStatus | null> {
  return new Promise((resolve) => {
    const timer = clock.setTimer(EXIT_REPORT_WAIT_MS, () => resolve(null));
    void run.launched.exited.then((exit) => {
      timer.cancel();
      resolve(exit);
    });
  });
}
