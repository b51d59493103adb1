// One set of operations over either kind of tracking, so the driver and the leftover search
// do not each branch on cgroup versus process group.
import { cgroupPids, cgroupPopulated, killCgroup, removeCgroup, signalCgroup } from "./cgroup-unit.js";
import type { ProcessTracking } from "./process-driver.js";
import { processGroupPids, signalProcessGroup } from "./process-group-unit.js";

export function trackingKey(tracking: ProcessTracking): string {
  return tracking.kind === "cgroup" ? `cgroup:${tracking.path}` : `pgid:${tracking.pgid}`;
}

export function trackedPids(tracking: ProcessTracking): number[] {
  return tracking.kind === "cgroup" ? cgroupPids(tracking.path) : processGroupPids(tracking.pgid);
}

export function isTrackedEmpty(tracking: ProcessTracking): boolean {
  // cgroup.events is one small read; the process-group form has to scan /proc.
  return tracking.kind === "cgroup" ? !cgroupPopulated(tracking.path) : processGroupPids(tracking.pgid).length === 0;
}

export function signalTracked(tracking: ProcessTracking, signal: NodeJS.Signals): void {
  if (tracking.kind === "cgroup") signalCgroup(tracking.path, signal);
  else signalProcessGroup(tracking.pgid, signal);
}

export function killTracked(tracking: ProcessTracking): void {
  if (tracking.kind === "cgroup") killCgroup(tracking.path);
  else signalProcessGroup(tracking.pgid, "SIGKILL");
}

/** Removes the cgroup; a process group needs no removal but must be empty as well. */
export function releaseTracked(tracking: ProcessTracking): void {
  if (tracking.kind === "cgroup") {
    removeCgroup(tracking.path);
    return;
  }
  const left = processGroupPids(tracking.pgid);
  if (left.length > 0) throw new Error(`process group ${tracking.pgid} still holds processes (${left.join(", ")}); end them before releasing it`);
}
