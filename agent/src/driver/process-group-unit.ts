// The process-group fallback for hosts without cgroup v2: members are found by scanning /proc.
// A member that calls setsid() leaves the group; only cgroups can follow it (documented limitation).
import { listAllPids, readProcStat } from "../system/proc-files.js";
import { signalPid } from "./signal-pids.js";

/** Live members of the group; zombies are skipped (they hold nothing, and pid 1 may never reap them). */
export function processGroupPids(pgid: number): number[] {
  const members: number[] = [];
  for (const pid of listAllPids()) {
    const stat = readProcStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== "Z") members.push(pid);
  }
  return members;
}

export function signalProcessGroup(pgid: number, signal: NodeJS.Signals | number): void {
  // kill(2) reads -1 as "every process" and 0 as "the agent's own group": never let one through.
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`process group ${pgid} is not a service's group`);
  // A negative pid addresses the whole group in kill(2).
  signalPid(-pgid, signal);
}
