// Samples pid, ppid, user, command, CPU % and RSS of processes from /proc, keeping the previous
// CPU reading per process so CPU % covers the time between two samples.
import type { ProcessSnapshot } from "@vigil/shared";
import type { PasswdDatabase } from "../system/passwd.js";
import { CLOCK_TICKS_PER_SECOND, readCmdline, readProcStat, readProcStatus, readUptimeSeconds } from "../system/proc-files.js";

interface CpuReading {
  readonly startTicks: number;
  readonly cpuTicks: number;
  readonly at: number;
}

/** Readings older than this belong to processes nobody inspects any more. */
const FORGET_AFTER_MS = 10 * 60_000;

export class ProcessSampler {
  private readonly previous = new Map<number, CpuReading>();

  constructor(
    private readonly passwd: PasswdDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  sample(pids: readonly number[]): ProcessSnapshot[] {
    const at = this.now();
    const observed: ProcessSnapshot[] = [];
    for (const pid of pids) {
      const stat = readProcStat(pid);
      const status = readProcStatus(pid);
      if (!stat || !status) continue;
      const cpuTicks = stat.utime + stat.stime;
      observed.push({
        pid,
        ppid: stat.ppid,
        user: this.passwd.nameOf(status.uid),
        command: readCmdline(pid) || `[${stat.comm}]`,
        cpuPercent: this.cpuPercent(pid, stat.startTicks, cpuTicks, at),
        // VmRSS from status (already read for the uid) equals statm's resident pages * page size.
        rssBytes: status.rssBytes,
      });
      this.previous.set(pid, { startTicks: stat.startTicks, cpuTicks, at });
    }
    for (const [pid, reading] of this.previous) if (at - reading.at > FORGET_AFTER_MS) this.previous.delete(pid);
    return observed;
  }

  private cpuPercent(pid: number, startTicks: number, cpuTicks: number, at: number): number {
    const before = this.previous.get(pid);
    let seconds: number;
    let ticks: number;
    if (before && before.startTicks === startTicks && at > before.at) {
      seconds = (at - before.at) / 1000;
      ticks = cpuTicks - before.cpuTicks;
    } else {
      // First sight of this process (or a reused pid): its average since it started.
      seconds = readUptimeSeconds() - startTicks / CLOCK_TICKS_PER_SECOND;
      ticks = cpuTicks;
    }
    if (seconds <= 0) return 0;
    return Math.round((ticks / CLOCK_TICKS_PER_SECOND / seconds) * 1000) / 10;
  }
}
