// The fleet scenario at N services each (sh sleepers, every tenth one leaving a setsid grandchild),
// all supervisors side by side: bulk start and stop-all one supervisor at a time (they are CPU-bound),
// restart kills interleaved and the idle window shared, so the shared machine's load swings hit all alike.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { readPid, runningPid, waitAllRunning } from "../proc/pid-files.js";
import type { PidLedger } from "../proc/pid-ledger.js";
import { CLOCK_TICKS_PER_SECOND, cpuTicks, isAlive, rssKiB, supervisorTree } from "../proc/proc-info.js";
import { sleep, waitFor } from "../proc/wait.js";
import type { FigureLog, Unit } from "../report/figures.js";
import { median, percentile } from "../stats.js";
import type { SupervisorUnderTest } from "../sut/supervisor-under-test.js";
import type { ServiceDef } from "../sut/workloads.js";

export const fleetSection = (n: number): string => `agent, N = ${n}`;

export const FLEET_METRICS = {
  bulkStart: "bulk start (until all N run)",
  restartMedian: "restart after SIGKILL, median",
  restartP95: "restart after SIGKILL, p95",
  rss: "supervisor RSS (daemon + helpers; Vigil: all of vigil up)",
  agentRss: "agent process RSS (Vigil: the agent child alone)",
  idleCpu: "idle CPU over the window (Vigil: all of vigil up)",
  agentIdleCpu: "agent process idle CPU over the window",
  agentKill: "kill -9 of the agent: every service supervised by the next one (Vigil: vigil up's agent child)",
  agentKillRestarted: "services restarted by the agent's kill -9",
  stopAll: "stop-all (until every process exited)",
  leftBehind: "processes left behind by stop-all",
} as const;

export interface FleetContext {
  readonly suts: readonly SupervisorUnderTest[];
  readonly kills: number;
  readonly idleMs: number;
  readonly ledger: PidLedger;
  readonly figures: FigureLog;
  readonly dir: string;
  readonly log: (message: string) => void;
  /** The report section of size `n` (default fleetSection). */
  readonly section?: (n: number) => string;
}

interface Fleet {
  readonly sut: SupervisorUnderTest;
  readonly services: readonly ServiceDef[];
  readonly samples: number[];
  grandchildren: number[];
}

/** A restart-latency sample: SIGKILL of the main pid until the workload's new pid runs. */
export async function killAndWait(pidFile: string, timeoutMs: number): Promise<{ ms: number; pid: number }> {
  const old = readPid(pidFile);
  if (old === null) throw new Error(`${pidFile}: no pid to kill`);
  const started = performance.now();
  process.kill(old, "SIGKILL");
  const pid = await waitFor(() => runningPid(pidFile, old) ?? undefined, `a new main process after SIGKILL of ${old}`, timeoutMs, 1);
  return { ms: performance.now() - started, pid };
}

function fleetOf(sut: SupervisorUnderTest, n: number, dir: string): Fleet {
  const own = join(dir, sut.name);
  mkdirSync(own);
  const services: ServiceDef[] = Array.from({ length: n }, (_, i) => ({ name: `svc-${i}`, kind: i % 10 === 9 ? "grandchild" : "sleeper-sh", pidFile: join(own, `svc-${i}`) }));
  return { sut, services, samples: [], grandchildren: [] };
}

async function bulkStart(ctx: FleetContext, fleet: Fleet, set: Setter): Promise<void> {
  const { sut, services } = fleet;
  await sut.boot(services);
  for (const pid of sut.daemonPids()) ctx.ledger.record(pid, `${sut.name} daemon`);
  const startedAt = performance.now();
  const starting = sut.startAll();
  const mains = await waitAllRunning(services.map((s) => s.pidFile), 300_000);
  set(sut, FLEET_METRICS.bulkStart, "ms", performance.now() - startedAt);
  await starting;
  mains.forEach((pid, i) => ctx.ledger.record(pid, `${sut.name} ${services[i]!.name} main`));
  fleet.grandchildren = await waitAllRunning(services.filter((s) => s.kind === "grandchild").map((s) => `${s.pidFile}.grandchild`), 30_000);
  fleet.grandchildren.forEach((pid) => ctx.ledger.record(pid, `${sut.name} grandchild`));
  ctx.log(`${sut.name} N=${services.length}: all running`);
}

/** Every process of the fleet's services now: main pids (from their files) and grandchildren. */
function servicePids(fleet: Fleet): Set<number> {
  return new Set([...fleet.services.map((s) => readPid(s.pidFile)), ...fleet.grandchildren].filter((pid): pid is number => pid !== null));
}

async function stopAll(fleet: Fleet, set: Setter): Promise<void> {
  let remaining = [...servicePids(fleet)];
  const stopStarted = performance.now();
  let lastExit = stopStarted;
  let watch = true;
  const stopping = fleet.sut.stopAll().then(() => performance.now());
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
  const note = left > 0 ? `until the call returned; ${left} left running` : undefined;
  set(fleet.sut, FLEET_METRICS.stopAll, "ms", (left > 0 ? Math.max(lastExit, returnedAt) : lastExit) - stopStarted, note);
  set(fleet.sut, FLEET_METRICS.leftBehind, "count", left);
}

type Setter = (sut: SupervisorUnderTest, metric: string, unit: Unit, value: number | null, note?: string) => void;

export async function runFleet(ctx: FleetContext, n: number): Promise<void> {
  const section = (ctx.section ?? fleetSection)(n);
  const set: Setter = (sut, metric, unit, value, note) => ctx.figures.set(section, metric, unit, true, sut.name, value, note);
  const fleets = ctx.suts.map((sut) => fleetOf(sut, n, ctx.dir));
  for (const fleet of fleets) await bulkStart(ctx, fleet, set);

  // Past supervisord's startsecs and PM2's min_uptime, so a kill is an ordinary crash for everyone.
  await sleep(1_500);
  for (let k = 0; k < ctx.kills; k += 1) {
    // The k-th kill of every supervisor back to back, in rotating order; each kill hits another
    // service, so no supervisor's backoff for repeated failures is involved.
    for (let j = 0; j < fleets.length; j += 1) {
      const fleet = fleets[(k + j) % fleets.length]!;
      const victims = fleet.services.filter((s) => s.kind === "sleeper-sh");
      const victim = victims[k % victims.length]!;
      const { ms, pid } = await killAndWait(victim.pidFile, 30_000);
      fleet.samples.push(ms);
      ctx.ledger.record(pid, `${fleet.sut.name} ${victim.name} main (restarted)`);
      await sleep(50);
    }
  }
  for (const fleet of fleets) {
    set(fleet.sut, FLEET_METRICS.restartMedian, "ms", median(fleet.samples));
    set(fleet.sut, FLEET_METRICS.restartP95, "ms", percentile(fleet.samples, 95), `${fleet.samples.length} kills`);
  }

  // One idle window for all: each daemon's own CPU over the same 30 s.
  await sleep(2_000);
  const trees = fleets.map((fleet) => ({ fleet, services: servicePids(fleet), agent: fleet.sut.agentPid?.() ?? null }));
  const before = trees.map(({ fleet, services }) => supervisorTree(fleet.sut.daemonPids(), services).reduce((sum, pid) => sum + cpuTicks(pid), 0));
  const agentBefore = trees.map(({ agent }) => (agent === null ? 0 : cpuTicks(agent)));
  await sleep(ctx.idleMs);
  const seconds = ctx.idleMs / 1000;
  const percent = (ticks: number) => (ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100;
  const tickNote = `one tick = ${percent(1).toFixed(3)} %`;
  trees.forEach(({ fleet, services, agent }, i) => {
    const tree = supervisorTree(fleet.sut.daemonPids(), services);
    const ticks = tree.reduce((sum, pid) => sum + cpuTicks(pid), 0) - before[i]!;
    set(fleet.sut, FLEET_METRICS.idleCpu, "% of a core", percent(ticks), `${seconds} s, ${tree.length} process(es); ${tickNote}`);
    set(fleet.sut, FLEET_METRICS.rss, "MiB", tree.reduce((sum, pid) => sum + rssKiB(pid), 0) / 1024, `${tree.length} process(es)`);
    if (agent !== null) {
      set(fleet.sut, FLEET_METRICS.agentIdleCpu, "% of a core", percent(cpuTicks(agent) - agentBefore[i]!), `${seconds} s; ${tickNote}`);
      set(fleet.sut, FLEET_METRICS.agentRss, "MiB", rssKiB(agent) / 1024);
    }
  });

  for (const fleet of fleets) if (fleet.sut.killAgent !== undefined) await agentKill(ctx, fleet, set);
  for (const fleet of fleets) await stopAll(fleet, set);
}

/** kill -9 of Vigil's agent with every service running: how long until the next one supervises them, and how many it restarted. */
async function agentKill(ctx: FleetContext, fleet: Fleet, set: Setter): Promise<void> {
  const before = fleet.services.map((service) => readPid(service.pidFile));
  const kill = await fleet.sut.killAgent!();
  ctx.ledger.record(kill.agent, `${fleet.sut.name} agent (after kill -9 of the first)`);
  const restarted = fleet.services.filter((service, i) => readPid(service.pidFile) !== before[i] || !isAlive(before[i] ?? 0)).length;
  const note = `${fleet.services.length} services; the next agent existed ${kill.agentStartedMs.toFixed(0)} ms after the kill (vigil up waits 1 s), supervised ${(kill.supervisedMs - kill.agentStartedMs).toFixed(0)} ms after its start`;
  set(fleet.sut, FLEET_METRICS.agentKill, "ms", kill.supervisedMs, note);
  set(fleet.sut, FLEET_METRICS.agentKillRestarted, "count", restarted);
  ctx.log(`${fleet.sut.name} N=${fleet.services.length}: agent kill -9, supervised again after ${kill.supervisedMs.toFixed(0)} ms, ${restarted} restarted`);
}
