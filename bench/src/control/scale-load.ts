// The sustained phase of the scale bench: every simulated host heartbeats every 10 s with all its
// services' statuses, services exit and restart at a steady rate and in bursts, and a WatchEvents
// stream measures how long each event takes from its publication to the coordinator's store.
import { percentile } from "../stats.js";
import { CLOCK_TICKS_PER_SECOND, cpuTicks, rssKiB } from "../proc/proc-info.js";
import { sleep } from "../proc/wait.js";
import { type BenchAdminClient } from "./admin-client.js";
import { type SimulatedHost } from "./simulated-host.js";

export interface LoadShape {
  readonly durationMs: number;
  readonly heartbeatMs: number;
  /** Steady exits per second over the whole fleet, each followed by its restart. */
  readonly exitsPerSecond: number;
  /** Every this often, `burstHosts` hosts see all their services exit and restart at once. */
  readonly burstEveryMs: number;
  readonly burstHosts: number;
}

export const DEFAULT_LOAD: Omit<LoadShape, "durationMs"> = { heartbeatMs: 10_000, exitsPerSecond: 20, burstEveryMs: 30_000, burstHosts: 25 };

export interface LoadResult {
  /** Publication to arrival on the watch stream (committed with its status), every event. */
  readonly lagMs: number[];
  /** The same for exit events alone. */
  readonly exitMs: number[];
  /** Events published during the phase that never arrived on the watch stream. */
  readonly missing: number;
  readonly heartbeats: number;
  readonly statuses: number;
  readonly events: number;
  readonly maxRssMiB: number;
  readonly cpuPercent: number;
  readonly seconds: number;
}

const random = (n: number): number => Math.floor(Math.random() * n);

export async function runSustainedLoad(sims: readonly SimulatedHost[], admin: BenchAdminClient, coordinatorPid: number, shape: LoadShape, log: (line: string) => void): Promise<LoadResult> {
  const sent = new Map<string, number>();
  const exits = new Set<string>();
  const lagMs: number[] = [];
  const exitMs: number[] = [];
  let streamError: Error | undefined;
  const stopWatch = admin.watchEvents(
    (event) => {
      const at = sent.get(event.id);
      if (at === undefined) return;
      const ms = performance.now() - at;
      sent.delete(event.id);
      lagMs.push(ms);
      if (exits.delete(event.id)) exitMs.push(ms);
    },
    (error) => (streamError = error),
  );
  for (const sim of sims) sim.onEvent = (id) => sent.set(id, performance.now());
  await sleep(500); // the watch stream is open before the first event
  const timers: NodeJS.Timeout[] = [];
  let heartbeats = 0;
  let statuses = 0;
  let events = 0;
  const beat = (sim: SimulatedHost): void => {
    sim.heartbeat();
    heartbeats += 1;
    statuses += sim.serviceCount;
  };
  // Spread over the interval, as independent agents are.
  for (const sim of sims) {
    timers.push(setTimeout(() => {
      beat(sim);
      timers.push(setInterval(() => beat(sim), shape.heartbeatMs));
    }, random(shape.heartbeatMs)));
  }
  const exit = (sim: SimulatedHost, index: number): void => {
    const id = sim.exitAndRestart(index);
    if (id !== undefined) exits.add(id);
    events += 2;
  };
  const tickMs = 50;
  let owed = 0;
  timers.push(setInterval(() => {
    owed += (shape.exitsPerSecond * tickMs) / 1000;
    for (; owed >= 1; owed -= 1) exit(sims[random(sims.length)]!, random(1000));
  }, tickMs));
  timers.push(setInterval(() => {
    for (let h = 0; h < shape.burstHosts; h++) {
      const sim = sims[random(sims.length)]!;
      for (let i = 0; i < sim.serviceCount; i++) exit(sim, i);
    }
  }, shape.burstEveryMs));
  let maxRss = 0;
  timers.push(setInterval(() => (maxRss = Math.max(maxRss, rssKiB(coordinatorPid) / 1024)), 1_000));
  const cpuBefore = cpuTicks(coordinatorPid);
  const started = performance.now();
  for (let elapsed = 0; elapsed < shape.durationMs; elapsed += 10_000) {
    await sleep(Math.min(10_000, shape.durationMs - elapsed));
    log(`scale: sustained ${Math.round((performance.now() - started) / 1000)} s: ${heartbeats} heartbeats, ${events} events, lag p99 ${(percentile(lagMs, 99) ?? 0).toFixed(0)} ms, ${sent.size} in flight`);
  }
  for (const timer of timers) clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  const cpuS = (cpuTicks(coordinatorPid) - cpuBefore) / CLOCK_TICKS_PER_SECOND;
  // Whatever is still in flight gets up to 30 s to arrive; what does not is missing.
  for (let waited = 0; sent.size > 0 && waited < 30_000; waited += 100) await sleep(100);
  stopWatch();
  if (streamError !== undefined) log(`scale: the watch stream failed: ${streamError.message}`);
  return { lagMs, exitMs, missing: sent.size, heartbeats, statuses, events, maxRssMiB: maxRss, cpuPercent: (cpuS / seconds) * 100, seconds };
}
