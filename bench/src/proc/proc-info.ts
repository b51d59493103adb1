// Readers of /proc for the bench: liveness (a zombie counts as gone), CPU ticks, RSS, and the
// process tree of a daemon without its services, which is what "supervisor RSS/CPU" measures.
import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second of utime/stime (USER_HZ, 100 on every Linux ABI Node runs on). */
export const CLOCK_TICKS_PER_SECOND = 100;

interface Stat {
  readonly state: string;
  readonly ppid: number;
  /** utime + stime, in clock ticks. */
  readonly cpuTicks: number;
  /** Start time since boot in clock ticks: with the pid, names one process even after pid reuse. */
  readonly startTicks: number;
}

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name may contain spaces and parentheses: fields start after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "?", ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]), startTicks: Number(fields[19]) };
}

export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== "Z" && stat.state !== "X";
}

/** The process's start time (ticks since boot), or null when it is gone. */
export function startTicks(pid: number): number | null {
  return readStat(pid)?.startTicks ?? null;
}

export function cpuTicks(pid: number): number {
  return readStat(pid)?.cpuTicks ?? 0;
}

/** Resident set size in KiB (VmRSS), 0 for a process that is gone. */
export function rssKiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The process's argv, empty when it is gone. */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** The live children of `parent`. */
export function childPids(parent: number): number[] {
  return allPids().filter((pid) => readStat(pid)?.ppid === parent && isAlive(pid));
}

function allPids(): number[] {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number);
}

/**
 * The daemon and its descendants, minus every subtree rooted at a service process: the supervisor
 * and its helpers (PM2's God daemon, a logger child), never the services it runs.
 */
export function supervisorTree(daemonPids: readonly number[], servicePids: ReadonlySet<number>): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(pid);
    children.set(stat.ppid, siblings);
  }
  const found: number[] = [];
  const stack = [...daemonPids];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (servicePids.has(pid) || found.includes(pid)) continue;
    found.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return found.filter(isAlive);
}
