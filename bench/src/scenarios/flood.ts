// The log flood: one service writes L lines of 100 bytes as fast as it can; the time until its last
// line is in the log file, then every line checked (missing, out of order, duplicated, split).
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { waitAllRunning } from "../proc/pid-files.js";
import { waitFor } from "../proc/wait.js";
import type { ScenarioContext } from "./scenario-context.js";
import { floodLine, verifyFlood } from "./verify-flood.js";

export const FLOOD_SECTION = "workloads";
export const FLOOD_METRICS = {
  time: "log flood: until the last line is in the log",
  missing: "log flood: lines missing",
  outOfOrder: "log flood: lines out of order",
  duplicated: "log flood: lines duplicated",
  split: "log flood: lines split",
} as const;

/** The last `bytes` of a file, "" when it does not exist. */
function tail(path: string, bytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return "";
  }
  try {
    const size = statSync(path).size;
    const buffer = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

export async function runFlood(ctx: ScenarioContext): Promise<void> {
  const { sut, figures, ledger, options } = ctx;
  const lines = options.floodLines;
  const service = { name: "flood", kind: "flood" as const, pidFile: join(ctx.dir, "flood"), extraArgs: [String(lines)] };
  await sut.boot([service]);
  for (const pid of sut.daemonPids()) ledger.record(pid, `${sut.name} daemon`);
  await sut.startAll();
  const [pid] = await waitAllRunning([service.pidFile], 60_000);
  ledger.record(pid!, "flood writer");
  const writerStart = Number(readFileSync(service.pidFile, "utf8").split(" ")[1]);
  const last = floodLine(lines);
  await waitFor(() => (sut.logFiles(service.name).some((file) => tail(file, 4096).includes(last)) ? true : undefined), "the last flood line in the log", 300_000, 5);
  const elapsed = Date.now() - writerStart;
  const text = sut.logFiles(service.name).map((file) => readFileSync(file, "utf8")).join("");
  const verdict = verifyFlood(text.split("\n"), lines, (line) => line.includes(" [vigil] "));
  const set = (metric: string, unit: "ms" | "lines", value: number, note?: string): void => figures.set(FLOOD_SECTION, metric, unit, true, sut.name, value, note);
  set(FLOOD_METRICS.time, "ms", elapsed, `${lines} lines of 100 bytes, ${sut.logFiles(service.name).length} file(s)`);
  set(FLOOD_METRICS.missing, "lines", verdict.missing);
  set(FLOOD_METRICS.outOfOrder, "lines", verdict.outOfOrder);
  set(FLOOD_METRICS.duplicated, "lines", verdict.duplicated);
  set(FLOOD_METRICS.split, "lines", verdict.split);
  ctx.log(`${sut.name} flood: ${elapsed} ms ${JSON.stringify(verdict)}`);
  await sut.stopAll();
}
