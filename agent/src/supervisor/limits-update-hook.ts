// Applies changed limits to a running service by rewriting its cgroup files, with no restart; says
// when the kernel refused (a memory maximum below what the service uses now), so the caller restarts it.
import { sameLimits } from "@vigil/shared";
import type { LaunchLimits, ProcessDriver } from "../driver/process-driver.js";
import type { ServiceRun } from "./run-hooks.js";

export type LimitsUpdate = { readonly outcome: "unchanged" | "applied" } | { readonly outcome: "refused"; readonly message: string };

export function sameLaunchLimits(a: LaunchLimits | undefined, b: LaunchLimits | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.account === b.account && sameLimits(a.accountLimits, b.accountLimits) && sameLimits(a.serviceLimits, b.serviceLimits);
}

export async function updateRunLimits(driver: ProcessDriver, run: ServiceRun, next: LaunchLimits): Promise<LimitsUpdate> {
  if (sameLaunchLimits(run.limits, next) || driver.updateLimits === undefined) return { outcome: "unchanged" };
  try {
    await driver.updateLimits(run.launched.tracking, next);
    run.limits = next;
    return { outcome: "applied" };
  } catch (error) {
    return { outcome: "refused", message: (error as Error).message };
  }
}
