// What enforcing a set of limits writes into a cgroup, for the v1 memory/pids/cpu hierarchies and
// for cgroup v2: pure, so the v2 form is tested here on hosts that only have v1 (and the reverse).
import { dirname, join, relative } from "node:path";
import type { ResourceLimits } from "@vigil/shared";

export type CgroupVersion = "v1" | "v2";
/** The v1 hierarchy a file belongs to; v2 has one directory, where `controller` says which controller must be enabled. */
export type LimitController = "memory" | "pids" | "cpu";

export interface LimitWrite {
  readonly controller: LimitController;
  readonly file: string;
  readonly value: string;
}

/** The CFS period: 100 ms, the kernel's default, so 0.01 core is a 1 ms quota. */
export const CPU_PERIOD_US = 100_000;
/** v1 cpu.shares that a v2 weight of 100 (the default) stands for. */
const V1_DEFAULT_SHARES = 1024;

function quotaUs(cores: number): number {
  return Math.max(1_000, Math.round(cores * CPU_PERIOD_US));
}

/** cpu.shares from a v2 weight, proportional around the defaults (100 ~ 1024); the kernel's minimum is 2. */
export function weightToShares(weight: number): number {
  return Math.max(2, Math.round((weight * V1_DEFAULT_SHARES) / 100));
}

/**
 * Every file of every controller, also for limits that are absent (written as "no limit"), so the
 * same plan sets a new cgroup and resets a limit removed from a running service.
 */
export function planLimitWrites(version: CgroupVersion, limits: ResourceLimits): LimitWrite[] {
  if (version === "v2") {
    return [
      // memory.high first: lowering memory.max below it would be refused by nothing, but reclaim starts at the lower one.
      { controller: "memory", file: "memory.high", value: limits.memoryHighBytes === null ? "max" : String(limits.memoryHighBytes) },
      { controller: "memory", file: "memory.max", value: limits.memoryMaxBytes === null ? "max" : String(limits.memoryMaxBytes) },
      // No swap for a capped service: without this a leak would go to swap instead of being OOM-killed.
      { controller: "memory", file: "memory.swap.max", value: limits.memoryMaxBytes === null ? "max" : "0" },
      { controller: "pids", file: "pids.max", value: limits.tasksMax === null ? "max" : String(limits.tasksMax) },
      { controller: "cpu", file: "cpu.weight", value: String(limits.cpuWeight ?? 100) },
      { controller: "cpu", file: "cpu.max", value: `${limits.cpuMaxCores === null ? "max" : quotaUs(limits.cpuMaxCores)} ${CPU_PERIOD_US}` },
    ];
  }
  return [
    { controller: "memory", file: "memory.soft_limit_in_bytes", value: limits.memoryHighBytes === null ? "-1" : String(limits.memoryHighBytes) },
    { controller: "memory", file: "memory.limit_in_bytes", value: limits.memoryMaxBytes === null ? "-1" : String(limits.memoryMaxBytes) },
    { controller: "pids", file: "pids.max", value: limits.tasksMax === null ? "max" : String(limits.tasksMax) },
    { controller: "cpu", file: "cpu.shares", value: String(limits.cpuWeight === null ? V1_DEFAULT_SHARES : weightToShares(limits.cpuWeight)) },
    // The period before the quota: a quota is checked against the period in force.
    { controller: "cpu", file: "cpu.cfs_period_us", value: String(CPU_PERIOD_US) },
    { controller: "cpu", file: "cpu.cfs_quota_us", value: limits.cpuMaxCores === null ? "-1" : String(quotaUs(limits.cpuMaxCores)) },
  ];
}

/** One file write of a plan, by absolute path. */
export interface CgroupFileWrite {
  readonly path: string;
  readonly value: string;
}

const LIMIT_CONTROLLERS: readonly LimitController[] = ["memory", "pids", "cpu"];
export const V2_SUBTREE_CONTROL = LIMIT_CONTROLLERS.map((controller) => `+${controller}`).join(" ");

/**
 * cgroup v2, with the unit at <v2 root>/.../<account>/<unit>: the controllers are enabled in every
 * cgroup.subtree_control from the v2 root down to the account cgroup (a controller is only usable
 * where each parent delegates it), then the account's limits go on the account cgroup, which caps
 * the sum of its units, and the service's on the unit itself.
 */
export function planV2UnitWrites(unified: string, unitPath: string, accountLimits: ResourceLimits, serviceLimits: ResourceLimits): CgroupFileWrite[] {
  const account = dirname(unitPath);
  const parents = [unified];
  for (const segment of relative(unified, account).split("/").filter(Boolean)) parents.push(join(parents.at(-1) ?? unified, segment));
  const limitFiles = (dir: string, limits: ResourceLimits): CgroupFileWrite[] => planLimitWrites("v2", limits).map(({ file, value }) => ({ path: join(dir, file), value }));
  return [...parents.map((dir) => ({ path: join(dir, "cgroup.subtree_control"), value: V2_SUBTREE_CONTROL })), ...limitFiles(account, accountLimits), ...limitFiles(unitPath, serviceLimits)];
}

/** "oom_kill 3" style lines (memory.events, memory.oom_control, pids.events) as a map. */
export function parseKeyedCounters(text: string): Map<string, number> {
  const counters = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) counters.set(key, Number(value));
  }
  return counters;
}
