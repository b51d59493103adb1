// Finds what a previous agent run left (populated unit cgroups, nested per account or in the earlier
// flat layout; recorded process groups; recorded services that exited meanwhile) so that it is
// adopted or ended, never run twice.
import { processGroupPids } from "./process-group-unit.js";
import { readBootId, readProcStat } from "../system/proc-files.js";
import type { LaunchRecord, LaunchRecords } from "./launch-records.js";
import type { LeftoverUnit, ProcessTracking } from "./process-driver.js";
import { removeCgroup } from "./cgroup-unit.js";
import { listUnitCgroups, releaseAccountCgroup } from "./unit-cgroup-path.js";
import { unescapeUnit } from "./unit-name.js";
import { trackedPids, trackingKey } from "./unit-tracking.js";

/** A LeftoverUnit (live pids when found) with what the previous run recorded about it. */
export interface Leftover extends LeftoverUnit {
  /** What the previous run recorded at launch (main pid, start time, spec hash); null when no record survived. */
  readonly record: LaunchRecord | null;
}

/**
 * A recorded process group is only ours if it cannot be a newer group that reuses the number:
 * same boot, the leader (if alive) has the recorded start time, and no member predates the launch.
 */
function recordedGroupPids(record: LaunchRecord, pgid: number, bootId: string): number[] {
  if (record.bootId !== bootId) return [];
  const members = processGroupPids(pgid);
  const leader = readProcStat(pgid);
  if (leader && leader.pgrp === pgid && leader.startTicks !== record.pidStartTicks) return [];
  const predates = members.some((pid) => (readProcStat(pid)?.startTicks ?? Infinity) < record.pidStartTicks);
  return predates ? [] : members;
}

/** Leftovers among records and the cgroup subtree; units in `live` belong to this run and are skipped. */
export function findLeftovers(records: LaunchRecords, cgroupRoot: string | null, live: ReadonlySet<string>): Leftover[] {
  const found = new Map<string, Leftover>();
  const bootId = readBootId();
  for (const record of records.readAll()) {
    const key = trackingKey(record.tracking);
    if (live.has(key)) continue;
    const pids = record.tracking.kind === "cgroup" ? trackedPids(record.tracking) : recordedGroupPids(record, record.tracking.pgid, bootId);
    // A service of this boot that exited while no agent ran is reported too: its exit counts.
    const exitedWhileDown = record.bootId === bootId && record.outputPath !== undefined;
    if (pids.length > 0 || exitedWhileDown) found.set(key, { unit: record.unit, tracking: record.tracking, pids, record, specHash: record.specHash });
    else records.remove(record.unit);
  }
  if (cgroupRoot === null) return [...found.values()];
  for (const { name, path } of listUnitCgroups(cgroupRoot)) {
    const tracking: ProcessTracking = { kind: "cgroup", path };
    const key = trackingKey(tracking);
    if (live.has(key) || found.has(key)) continue;
    const pids = trackedPids(tracking);
    if (pids.length > 0) found.set(key, { unit: unescapeUnit(name), tracking, pids, record: null });
    else {
      removeCgroup(path);
      releaseAccountCgroup(cgroupRoot, path);
    }
  }
  return [...found.values()];
}
