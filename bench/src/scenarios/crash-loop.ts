// The crash loop: C services that exit 1 at once. Starts are counted from the workload's own
// append-only pid file; "gave up" is read from the supervisor's status (disabled, FATAL, errored).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sleep } from "../proc/wait.js";
import { CRASH_LOOP_STARTS } from "../sut/supervisor-under-test.js";
import type { ScenarioContext } from "./scenario-context.js";

export const CRASH_SECTION = "workloads";
export const CRASH_METRICS = {
  first10s: "crash loop: starts in the first 10 s (max over crashers)",
  gaveUpAfter: "crash loop: gave up after",
  exact: "crash loop: crashers that gave up after exactly 5 starts",
  total: "crash loop: starts in all (min over crashers)",
} as const;

const GIVE_UP_BOUND_MS = 90_000;

function starts(file: string): number[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export async function runCrashLoop(ctx: ScenarioContext): Promise<void> {
  const { sut, figures, ledger, options } = ctx;
  const crashers = Array.from({ length: options.crashers }, (_, i) => ({ name: `crasher-${i}`, kind: "crasher" as const, pidFile: join(ctx.dir, `crasher-${i}`) }));
  await sut.boot(crashers);
  for (const pid of sut.daemonPids()) ledger.record(pid, `${sut.name} daemon`);
  const t0 = performance.now();
  let at10s: number[] | null = null;
  const gaveUpAt = new Map<string, number>();
  void sut.startAll().catch((error: unknown) => ctx.log(`${sut.name} crash loop: start: ${String(error)}`));
  while (gaveUpAt.size < crashers.length && performance.now() - t0 < GIVE_UP_BOUND_MS) {
    if (at10s === null && performance.now() - t0 >= 10_000) at10s = crashers.map((c) => starts(c.pidFile).length);
    for (const crasher of crashers) {
      if (!gaveUpAt.has(crasher.name) && (await sut.gaveUp(crasher.name))) gaveUpAt.set(crasher.name, performance.now() - t0);
    }
    await sleep(100);
  }
  // Nothing may start after giving up: count again a little later.
  await sleep(2_000);
  at10s ??= crashers.map((c) => starts(c.pidFile).length);
  const totals = crashers.map((c) => starts(c.pidFile).length);
  for (const c of crashers) for (const pid of starts(c.pidFile)) ledger.record(pid, `${c.name} run`);
  const set = (metric: string, unit: "count" | "s", value: number | null, note?: string, lowerIsBetter: boolean | null = true): void =>
    figures.set(CRASH_SECTION, metric, unit, lowerIsBetter, sut.name, value, note);
  const allGaveUp = gaveUpAt.size === crashers.length;
  set(CRASH_METRICS.first10s, "count", Math.max(...at10s), undefined, null);
  set(CRASH_METRICS.total, "count", Math.min(...totals), `per crasher: ${totals.join(", ")}`, null);
  set(CRASH_METRICS.gaveUpAfter, "s", allGaveUp ? Math.max(...gaveUpAt.values()) / 1000 : null, allGaveUp ? undefined : `still restarting after ${GIVE_UP_BOUND_MS / 1000} s`, null);
  set(CRASH_METRICS.exact, "count", allGaveUp ? totals.filter((n) => n === CRASH_LOOP_STARTS).length : 0, `of ${crashers.length}`, false);
  ctx.log(`${sut.name} crash loop: starts ${totals.join(",")}, gave up ${[...gaveUpAt.values()].map((ms) => ms.toFixed(0)).join(",")} ms`);
}
