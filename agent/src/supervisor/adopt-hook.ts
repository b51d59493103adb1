// Takes over a service that the agent's previous run started: when the leftover still runs the
// spec the service has now, the driver adopts it (same pid, its output read again); otherwise it
// is ended and the service starts afresh with its new spec.
import { type DesiredServiceSpec, launchFingerprint } from "@vigil/shared";
import type { LaunchedProcess, LaunchLimits, LeftoverUnit } from "../driver/process-driver.js";
import type { ServiceLog } from "../logs/service-log.js";
import { attachOutput, launchLimits, type LaunchContext } from "./launch-hook.js";

/** What recovery found for each service (AdoptionPool; tests may pass their own). */
export interface AdoptionSource {
  claim(unit: string): LeftoverUnit | undefined;
  end(leftover: LeftoverUnit): Promise<void>;
}

export interface AdoptedRun {
  readonly launched: LaunchedProcess;
  readonly logged: Promise<void>;
  readonly limits: LaunchLimits;
}

/**
 * The previous run's process of `unit`, adopted, or null when there was none or it was ended.
 * `openLog` is only called for a process that is adopted.
 */
export async function adoptPrevious(
  context: LaunchContext & { readonly adoption?: AdoptionSource },
  desired: DesiredServiceSpec,
  unit: string,
  openLog: () => Promise<ServiceLog | null>,
): Promise<AdoptedRun | null> {
  const previous = context.adoption?.claim(unit);
  if (previous === undefined) return null;
  const limits = launchLimits(context.config, desired);
  const current = previous.specHash === launchFingerprint(desired);
  const launched = current ? ((await context.driver.adopt?.(previous, limits)) ?? null) : null;
  const log = launched === null ? null : await openLog();
  if (launched === null || log === null) {
    launched?.output.destroy();
    await context.adoption?.end(previous);
    return null;
  }
  return { launched, logged: attachOutput(log, launched, context.onError), limits };
}

/** Ends a previous run's process of a service that is not to run (stopped or disabled). */
export async function endPrevious(context: { readonly adoption?: AdoptionSource }, unit: string): Promise<void> {
  const previous = context.adoption?.claim(unit);
  if (previous !== undefined) await context.adoption?.end(previous);
}
