// Writes limits into cgroups: per account a cgroup carrying the account's limits, below it one per
// launch carrying the service's. v1: in each of the memory, pids, cpu (and cpuacct) hierarchies; v2:
// the launch's tracking cgroup and its parent, the account's tracking cgroup. Reads back OOM kills, failed forks and CPU time.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { ResourceLimits } from "@vigil/shared";
import type { LimitCounters } from "../driver/process-driver.js";
import { type CgroupVersion, type LimitController, parseKeyedCounters, planLimitWrites, planV2UnitWrites } from "./cgroup-limit-plan.js";
import type { LimitsMode } from "./limits-mode.js";

/** The cgroups of one launch that carry limits. */
export interface LimitedUnit {
  readonly version: CgroupVersion;
  /** By controller: where the account's limits are written (v2: the tracking cgroup's parent). */
  readonly account: Readonly<Record<LimitController, string>>;
  /** By controller: where the service's limits are written. */
  readonly service: Readonly<Record<LimitController, string>>;
  /** v1 directories the launch joins before its command runs (v2's tracking cgroup is joined already). */
  readonly join: readonly string[];
  /** The account's "max" counter before the launch: later refusals are the ones of this launch's time. */
  readonly accountTaskLimitBaseline: number;
  /** Where CPU time is read: v1 cpuacct (cpuacct.usage, ns) or the v2 cgroup (cpu.stat usage_usec). */
  readonly cpuUsage: string | null;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return "";
    throw error;
  }
}

/** A cgroup of a previous run keeps its counters: start each launch from a new one. */
function freshDir(path: string): void {
  try {
    rmdirSync(path);
  } catch (error) {
    const code = errorCode(error);
    if (code !== "ENOENT") throw new Error(`cgroup ${path} is still in use (${code}); end its processes first`);
  }
  mkdirSync(path, { recursive: true });
}

function removeDir(path: string): void {
  try {
    rmdirSync(path);
  } catch (error) {
    // Another launch of the account still uses it (account cgroups), or it is gone already.
    if (!["ENOENT", "EBUSY", "ENOTEMPTY"].includes(errorCode(error) ?? "")) throw error;
  }
}

function writeLimitFile(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (error) {
    // memory.swap.max is missing without swap accounting: there is no swap to close then.
    if (errorCode(error) === "ENOENT" && basename(path) === "memory.swap.max") return;
    throw new Error(`cannot write ${value} to ${path}: ${(error as Error).message}`);
  }
}

/** Forks the cgroup's task limit refused (pids.events "max"); 0 for a cgroup not made yet. */
function taskLimitHits(pidsDir: string): number {
  return parseKeyedCounters(readText(join(pidsDir, "pids.events"))).get("max") ?? 0;
}

/**
 * Forks refused to the unit's own processes, by whichever limit: v2 kernels since 6.15 count that in
 * pids.events.local (pids.events there counts only its own limit's); elsewhere pids.events is it.
 */
function unitTaskLimitHits(pidsDir: string): number {
  const local = readText(join(pidsDir, "pids.events.local"));
  return local === "" ? taskLimitHits(pidsDir) : (parseKeyedCounters(local).get("max") ?? 0);
}

export class LimitCgroups {
  constructor(
    readonly mode: LimitsMode,
    private readonly instance: string,
  ) {}

  /**
   * Creates the account's and the launch's cgroups and writes both sets of limits. null: this host
   * enforces none. `adopting`: the launch runs already (a previous agent run's): its cgroups are kept.
   */
  prepare(accountDir: string, unitDir: string, trackingPath: string | null, accountLimits: ResourceLimits, serviceLimits: ResourceLimits, adopting = false): LimitedUnit | null {
    const { mode } = this;
    if (mode.mode === "none") return null;
    if (mode.mode === "cgroup-v2") {
      // v2 limits sit on the tracking cgroup itself and on its parent, the account's cgroup.
      if (trackingPath === null) return null;
      const accountPath = dirname(trackingPath);
      const account = { memory: accountPath, pids: accountPath, cpu: accountPath };
      const service = { memory: trackingPath, pids: trackingPath, cpu: trackingPath };
      for (const { path, value } of planV2UnitWrites(mode.unified, trackingPath, accountLimits, serviceLimits)) writeLimitFile(path, value);
      return { version: "v2", account, service, join: [], cpuUsage: trackingPath, accountTaskLimitBaseline: taskLimitHits(accountPath) };
    }
    const base = (hierarchy: string): string => join(hierarchy, "vigil", this.instance, accountDir);
    const account = { memory: base(mode.hierarchies.memory), pids: base(mode.hierarchies.pids), cpu: base(mode.hierarchies.cpu) };
    const service = { memory: join(account.memory, unitDir), pids: join(account.pids, unitDir), cpu: join(account.cpu, unitDir) };
    const cpuacct = mode.cpuacct === null ? null : join(base(mode.cpuacct), unitDir);
    for (const dir of [...Object.values(service), ...(cpuacct === null ? [] : [cpuacct])]) {
      if (adopting) mkdirSync(dir, { recursive: true });
      else freshDir(dir);
    }
    const joins = [...Object.values(service), ...(cpuacct === null ? [] : [cpuacct])];
    const unit: LimitedUnit = { version: "v1", account, service, join: joins, cpuUsage: cpuacct, accountTaskLimitBaseline: taskLimitHits(account.pids) };
    this.writeAll(unit, accountLimits, serviceLimits);
    return unit;
  }

  /** Account first: a raised service limit must not be refused by an account limit still being lowered after it. */
  writeAll(unit: LimitedUnit, accountLimits: ResourceLimits, serviceLimits: ResourceLimits): void {
    this.write(unit.version, unit.account, accountLimits);
    this.write(unit.version, unit.service, serviceLimits);
  }

  private write(version: CgroupVersion, dirs: Readonly<Record<LimitController, string>>, limits: ResourceLimits): void {
    for (const { controller, file, value } of planLimitWrites(version, limits)) writeLimitFile(join(dirs[controller], file), value);
  }

  /** OOM kills (v1 memory.oom_control, v2 memory.events) and failed forks (pids.events) of the launch so far. */
  counters(unit: LimitedUnit): LimitCounters {
    const memoryFile = unit.version === "v1" ? "memory.oom_control" : "memory.events";
    const oomKills = parseKeyedCounters(readText(join(unit.service.memory, memoryFile))).get("oom_kill") ?? 0;
    return { oomKills, taskLimitHits: unitTaskLimitHits(unit.service.pids), accountTaskLimitHits: taskLimitHits(unit.account.pids) - unit.accountTaskLimitBaseline };
  }

  /** CPU time the launch used, in nanoseconds; null when the host cannot tell. */
  cpuUsageNs(unit: LimitedUnit): number | null {
    if (unit.cpuUsage === null) return null;
    if (unit.version === "v1") {
      const text = readText(join(unit.cpuUsage, "cpuacct.usage")).trim();
      return text === "" ? null : Number(text);
    }
    const usec = parseKeyedCounters(readText(join(unit.cpuUsage, "cpu.stat"))).get("usage_usec");
    return usec === undefined ? null : usec * 1000;
  }

  /** Periods in which the CPU maximum stopped the launch (cpu.stat nr_throttled, v1 and v2 alike). */
  cpuThrottledPeriods(unit: LimitedUnit): number {
    return parseKeyedCounters(readText(join(unit.service.cpu, "cpu.stat"))).get("nr_throttled") ?? 0;
  }

  /** Removes the launch's v1 cgroups, and the account's once its last launch is gone. */
  release(unit: LimitedUnit): void {
    if (unit.version === "v2") return; // the tracking cgroup is removed with the tracking
    for (const dir of unit.join) removeDir(dir);
    for (const dir of unit.join) removeDir(dirname(dir));
  }

  /** Removes this instance's v1 directory in each hierarchy once it is empty (at agent shutdown). */
  disposeInstance(): void {
    const { mode } = this;
    if (mode.mode !== "cgroup-v1") return;
    for (const hierarchy of [...Object.values(mode.hierarchies), ...(mode.cpuacct === null ? [] : [mode.cpuacct])]) removeDir(join(hierarchy, "vigil", this.instance));
  }
}
