// The fleet scenario at N services (sh sleepers, every tenth one leaving a setsid grandchild):
// bulk start, restart latency after SIGKILL, supervisor RSS and idle CPU, stop-all and leftovers.
import { join } from "node:path";
import { readPid, runningPid, waitAllRunning } from "../proc/pid-files.js";
import { CLOCK_TICKS_PER_SECOND, cpuTicks, isAlive, rssKiB, supervisorTree } from "../proc/proc-info.js";
import { sleep, waitFor } from "../proc/wait.js";
import { median, percentile } from "../stats.js";
import type { ServiceDef } from "../sut/workloads.js";
import type { ScenarioContext } from "./scenario-context.js";

export const fleetSection = (n: number): string => `agent, N = ${n}`;

export const FLEET_METRICS = {
  bulkStart: "bulk start (until all N run)",
  restartMedian: "restart after SIGKILL, median",
  restartP95: "restart after SIGKILL, p95",
  rss: "supervisor RSS (daemon + helpers)",
  idleCpu: "idle CPU over the window",
  stopAll: "stop-all (until every process exited)",
  leftBehind: "processes left behind by stop-all",
} as const;

/** A restart-latency sample: SIGKILL of the main pid until the workload's new pid runs. */
export async function killAndWait(pidFile: string, timeoutMs: number): Promise<{ ms: number; pid: number }> {
  const old = readPid(pidFile);
  if (old === null) throw new Error(`${pidFile}: no pid to kill`);
  const started = performance.now();
  process.kill(old, "SIGKILL");
  const pid = await waitFor(() => runningPid(pidFile, old) ?? undefined, `a new main process after SIGKILL of ${old}`, timeoutMs, 1);
  return { ms: performance.now() - started, pid };
}

export async function runFleet(ctx: ScenarioContext, n: number): Promise<void> {
  const { sut, figures, ledger, options } = ctx;
  const section = fleetSection(n);
  const set = (metric: string, unit: Parameters<typeof figures.set>[2], value: number | null, note?: string): void =>
    figures.set(section, metric, unit, true, sut.name, value, note);
  const services: ServiceDef[] = Array.from({ length: n }, (_, i) => ({
    name: `svc-${i}`,
    kind: i % 10 === 9 ? "grandchild" : "sleeper-sh",
    pidFile: join(ctx.dir, `svc-${i}`),
  }));
  const files = services.map((s) => s.pidFile);
  const grandchildFiles = services.filter((s) => s.kind === "grandchild").map((s) => `${s.pidFile}.grandchild`);
  await sut.boot(services);
  for (const pid of sut.daemonPids()) ledger.record(pid, `${sut.name} daemon`);

  const startedAt = performance.now();
  const starting = sut.startAll();
  const mains = await waitAllRunning(files, 300_000);
  set(FLEET_METRICS.bulkStart, "ms", performance.now() - startedAt);
  await starting;
  mains.forEach((pid, i) => ledger.record(pid, `${services[i]!.name} main`));
  const grandchildren = await waitAllRunning(grandchildFiles, 30_000);
  grandchildren.forEach((pid) => ledger.record(pid, "grandchild"));
  ctx.log(`${sut.name} N=${n}: all running`);

  // Past supervisord's startsecs and PM2's min_uptime, so a kill is an ordinary crash for everyone.
  await sleep(1_500);
  const victims = services.filter((s) => s.kind === "sleeper-sh");
  const samples: number[] = [];
  for (let k = 0; k < options.kills; k += 1) {
    // Each kill hits another service, so no supervisor's backoff for repeated failures is involved.
    const victim = victims[k % victims.length]!;
    const { ms, pid } = await killAndWait(victim.pidFile, 30_000);
    samples.push(ms);
    ledger.record(pid, `${victim.name} main (restarted)`);
    await sleep(100);
  }
  set(FLEET_METRICS.restartMedian, "ms", median(samples));
  set(FLEET_METRICS.restartP95, "ms", percentile(samples, 95), `${samples.length} kills`);

  await sleep(2_000);
  const servicePids = new Set([...files.map(readPid), ...grandchildren].filter((pid): pid is number => pid !== null));
  const before = supervisorTree(sut.daemonPids(), servicePids);
  const ticksBefore = before.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  await sleep(options.idleMs);
  const after = supervisorTree(sut.daemonPids(), servicePids);
  const ticksAfter = after.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const seconds = options.idleMs / 1000;
  set(FLEET_METRICS.idleCpu, "% of a core", ((ticksAfter - ticksBefore) / CLOCK_TICKS_PER_SECOND / seconds) * 100, `${seconds} s, ${after.length} process(es)`);
  set(FLEET_METRICS.rss, "MiB", after.reduce((sum, pid) => sum + rssKiB(pid), 0) / 1024, `${after.length} process(es)`);

  let remaining = [...servicePids];
  const stopStarted = performance.now();
  let lastExit = stopStarted;
  let watch = true;
  const stopping = sut.stopAll().then(() => performance.now());
  const watching = (async () => {
    while (watch && remaining.length > 0) {
      const still = remaining.filter(isAlive);
      if (still.length < remaining.length) lastExit = performance.now();
      remaining = still;
      await sleep(2);
    }
  })();
  const returnedAt = await stopping;
  // Whatever has not exited 2 s after the stop call returned was left behind.
  await Promise.race([watching, sleep(2_000)]);
  watch = false;
  await watching;
  const left = remaining.length;
  set(FLEET_METRICS.stopAll, "ms", (left > 0 ? Math.max(lastExit, returnedAt) : lastExit) - stopStarted, left > 0 ? `until the call returned; ${left} left running` : undefined);
  set(FLEET_METRICS.leftBehind, "count", left);
}
