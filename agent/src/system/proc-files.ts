// Cheap readers of /proc/<pid>/{stat,status,cmdline}: what the driver needs to list, inspect and
// recognise processes without spawning `ps`. Parsers are pure and exported for tests.
import { readFileSync, readdirSync } from "node:fs";

export interface ProcStat {
  readonly pid: number;
  /** Executable name from field 2, without the parentheses. */
  readonly comm: string;
  /** Single-letter state: R, S, D, Z, T... */
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  /** CPU time in clock ticks (USER_HZ) spent in user and kernel mode. */
  readonly utime: number;
  readonly stime: number;
  /** Ticks after boot when the process started: with the pid, it identifies a process across pid reuse. */
  readonly startTicks: number;
}

/** Parses /proc/<pid>/stat; comm may hold spaces and ")" so fields are counted from the last ")". */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).trim().split(" ");
  // fields[0] is field 3 (state) of proc(5); index = field number - 3.
  const field = (n: number): number => Number(fields[n - 3]);
  const stat: ProcStat = {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: fields[0] ?? "?",
    ppid: field(4),
    pgrp: field(5),
    session: field(6),
    utime: field(14),
    stime: field(15),
    startTicks: field(22),
  };
  return Number.isFinite(stat.startTicks) && Number.isFinite(stat.pid) ? stat : null;
}

export interface ProcStatus {
  readonly uid: number;
  /** Resident set size in bytes; 0 for processes without memory (zombies, kernel threads). */
  readonly rssBytes: number;
}

/** Parses /proc/<pid>/status for the real uid and VmRSS (reported in kB by the kernel). */
export function parseProcStatus(text: string): ProcStatus | null {
  const uid = /^Uid:\s+(\d+)/m.exec(text);
  if (!uid?.[1]) return null;
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return { uid: Number(uid[1]), rssBytes: rss?.[1] ? Number(rss[1]) * 1024 : 0 };
}

/** The command line as ps shows it: NUL-separated arguments joined by spaces. */
export function parseCmdline(raw: Buffer): string {
  return raw.toString("utf8").replace(/\0+$/, "").split("\0").join(" ");
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    // The process may exit between listing and reading: that is a normal race, not an error.
    return null;
  }
}

export function readProcStat(pid: number): ProcStat | null {
  const text = readOrNull(`/proc/${pid}/stat`);
  return text === null ? null : parseProcStat(text);
}

export function readProcStatus(pid: number): ProcStatus | null {
  const text = readOrNull(`/proc/${pid}/status`);
  return text === null ? null : parseProcStatus(text);
}

export function readCmdline(pid: number): string {
  try {
    return parseCmdline(readFileSync(`/proc/${pid}/cmdline`));
  } catch {
    return "";
  }
}

/** Every pid currently in /proc (processes, not threads). */
export function listAllPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Changes at every boot: a launch record from another boot describes processes that no longer exist. */
export function readBootId(): string {
  return (readOrNull("/proc/sys/kernel/random/boot_id") ?? "").trim();
}

/** Seconds since boot, for CPU % of a process seen for the first time. */
export function readUptimeSeconds(): number {
  return Number((readOrNull("/proc/uptime") ?? "0").split(" ")[0]);
}

/** Linux reports stat times in USER_HZ, fixed at 100 on every architecture Node supports. */
export const CLOCK_TICKS_PER_SECOND = 100;
