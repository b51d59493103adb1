// The machine a run measured on, as BENCHMARKS.md states it: CPU model, cores, memory, kernel,
// Node version, date and the load average when the run started (the machine may be shared).
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly date: string;
  readonly loadAverage: readonly [number, number, number];
}

export function describeMachine(now = new Date()): Machine {
  let cpuModel = cpus()[0]?.model ?? "unknown";
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpuModel;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  return {
    cpuModel,
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    kernel: release(),
    node: process.version,
    date: now.toISOString(),
    loadAverage: [one, five, fifteen],
  };
}
