// The targets, judged from the run's own figures (never a timed test): each target is met,
// not met, or not measured with the reason.
import { CRASH_METRICS, CRASH_SECTION } from "../scenarios/crash-loop.js";
import { FLEET_METRICS, fleetSection } from "../scenarios/fleet.js";
import { FLOOD_METRICS, FLOOD_SECTION } from "../scenarios/flood.js";
import { UP_METRICS, UP_SECTION } from "../scenarios/vigil-up.js";
import type { FigureLog } from "./figures.js";

export const VERDICTS = ["met", "not met", "not measured"] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface TargetResult {
  readonly target: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

/** Control-plane figures the targets read (section "control plane"). */
export const CONTROL_SECTION = "control plane";
export const CONTROL_METRICS = {
  reattachSeconds: "agent restart (stripped: the agent library in the bench's process): reattach of 500 services, from the new agent's start",
  reattachRestarted: "agent restart (stripped: the agent library in the bench's process): services restarted",
  createToRunningP50: "distributed: create-to-running, p50",
  exitToStatusP99: "distributed: exit-to-status, p99",
  scalePlaced: "scale: every service placed and delivered to its host",
  scaleLost: "scale: events lost",
  failoverReconnected: "failover: every agent reconnected to the other coordinator",
  failoverRestart: "failover: a restart through the survivor answered by its host",
  drainSeconds: "drain: 50 accounts, 500 services moved to another host",
  drainOverlaps: "drain: services seen running on both hosts",
  scaleIngestLagP99: "scale: ingest lag under sustained load, p99",
  scaleExitP99: "scale: exit-to-status under sustained load, p99",
} as const;

const fmt = (value: number, digits = 1): string => value.toFixed(digits);

export function evaluateTargets(figures: FigureLog, sizes: readonly number[], crashers: number, scaleHosts: number): TargetResult[] {
  const v = (section: string, metric: string, who: "vigil" | "supervisord" | "pm2"): number | null => figures.value(section, metric, who);
  const results: TargetResult[] = [];
  const judge = (target: string, inputs: Array<number | null>, measured: (values: number[]) => string, met: (values: number[]) => boolean): void => {
    if (inputs.some((x) => x === null)) results.push({ target, measured: "a figure it needs is missing", verdict: "not measured" });
    else results.push({ target, measured: measured(inputs as number[]), verdict: met(inputs as number[]) ? "met" : "not met" });
  };
  for (const n of sizes) {
    const s = fleetSection(n);
    judge(`restart latency median ≤ 0.7× PM2's (N = ${n})`, [v(s, FLEET_METRICS.restartMedian, "vigil"), v(s, FLEET_METRICS.restartMedian, "pm2")], ([a, b]) => `${fmt(a!)} ms vs ${fmt(b!)} ms (${fmt(a! / b!, 2)}×)`, ([a, b]) => a! <= 0.7 * b!);
    judge(`restart latency p95 ≤ PM2's (N = ${n})`, [v(s, FLEET_METRICS.restartP95, "vigil"), v(s, FLEET_METRICS.restartP95, "pm2")], ([a, b]) => `${fmt(a!)} ms vs ${fmt(b!)} ms (${fmt(a! / b!, 2)}×)`, ([a, b]) => a! <= b!);
  }
  const big = Math.max(...sizes);
  const s = fleetSection(big);
  judge(`bulk start of ${big} ≤ half PM2's time`, [v(s, FLEET_METRICS.bulkStart, "vigil"), v(s, FLEET_METRICS.bulkStart, "pm2")], ([a, b]) => `${fmt(a!, 0)} ms vs ${fmt(b!, 0)} ms (${fmt(a! / b!, 2)}×)`, ([a, b]) => a! <= 0.5 * b!);
  judge(`agent RSS with ${big} services below PM2's daemon`, [v(s, FLEET_METRICS.agentRss, "vigil"), v(s, FLEET_METRICS.rss, "pm2")], ([a, b]) => `${fmt(a!)} MiB vs ${fmt(b!)} MiB`, ([a, b]) => a! < b!);
  judge(`all of vigil up (coordinator, agent and log keeper) with ${big} services ≤ 350 MB`, [v(s, FLEET_METRICS.rss, "vigil")], ([a]) => `${fmt(a!)} MiB`, ([a]) => a! * 2 ** 20 <= 350e6);
  judge(`idle CPU of vigil up with ${big} services ≤ supervisord's`, [v(s, FLEET_METRICS.idleCpu, "vigil"), v(s, FLEET_METRICS.idleCpu, "supervisord")], ([a, b]) => `${fmt(a!, 2)} % vs ${fmt(b!, 2)} %`, ([a, b]) => a! <= b!);
  const small = Math.min(...sizes);
  if (small !== big) {
    // "Does not grow with N": within one clock tick over the window (the resolution) plus half again.
    const tick = (figures.note(s, FLEET_METRICS.agentIdleCpu, "vigil") ?? "").match(/one tick = ([\d.]+) %/)?.[1];
    judge(
      `the agent's idle CPU does not grow from ${small} to ${big} services`,
      [v(fleetSection(small), FLEET_METRICS.agentIdleCpu, "vigil"), v(s, FLEET_METRICS.agentIdleCpu, "vigil")],
      ([a, b]) => `${fmt(a!, 2)} % at ${small}, ${fmt(b!, 2)} % at ${big}`,
      ([a, b]) => b! <= a! * 1.5 + Number(tick ?? 0),
    );
  }
  const floodLosses = [FLOOD_METRICS.missing, FLOOD_METRICS.outOfOrder, FLOOD_METRICS.duplicated, FLOOD_METRICS.split].map((m) => v(FLOOD_SECTION, m, "vigil"));
  judge(
    "log flood loses nothing and takes ≤ 1.5× supervisord's time",
    [...floodLosses, v(FLOOD_SECTION, FLOOD_METRICS.time, "vigil"), v(FLOOD_SECTION, FLOOD_METRICS.time, "supervisord")],
    (x) => `${x.slice(0, 4).reduce((a, b) => a + b, 0)} damaged lines; ${fmt(x[4]!, 0)} ms vs ${fmt(x[5]!, 0)} ms (${fmt(x[4]! / x[5]!, 2)}×)`,
    (x) => x.slice(0, 4).every((n) => n === 0) && x[4]! <= 1.5 * x[5]!,
  );
  judge(
    "crash loop gives up after exactly the configured number of starts (5), every run",
    [v(CRASH_SECTION, CRASH_METRICS.exact, "vigil")],
    ([a]) => `${a} of ${crashers} crashers`,
    ([a]) => a === crashers,
  );
  judge(
    `stop-all of ${big} through \`vigil service stop --all\` < 1 s with nothing left behind`,
    [v(s, FLEET_METRICS.stopAll, "vigil"), v(s, FLEET_METRICS.leftBehind, "vigil")],
    ([a, b]) => `${fmt(a!, 0)} ms, ${b} left`,
    ([a, b]) => a! < 1000 && b === 0,
  );
  judge("vigil up ready < 2 s on a new state directory", [v(UP_SECTION, UP_METRICS.readyNew, "vigil")], ([a]) => `${fmt(a! / 1000, 2)} s`, ([a]) => a! < 2000);
  judge(
    `vigil up ready < 3 s reopening a state directory with ${big} services${big === 500 ? "" : " (the target is 500)"}`,
    [v(UP_SECTION, UP_METRICS.readyReopen, "vigil")],
    ([a]) => `${fmt(a! / 1000, 2)} s`,
    ([a]) => a! < 3000,
  );
  for (const metric of [UP_METRICS.cliVersion, UP_METRICS.cliList]) {
    judge(`${metric.replace(", median", "")} < 300 ms (median)`, [v(UP_SECTION, metric, "vigil"), v(UP_SECTION, UP_METRICS.nodeBaseline, "vigil")], ([a, b]) => `${fmt(a!, 0)} ms; node -e 0: ${fmt(b!, 0)} ms (${fmt(a! / b!, 1)}×)`, ([a]) => a! < 300);
  }
  judge("create-to-running p50 < 100 ms (distributed)", [v(CONTROL_SECTION, CONTROL_METRICS.createToRunningP50, "vigil")], ([a]) => `${fmt(a!)} ms`, ([a]) => a! < 100);
  judge(
    `kill -9 of vigil up's agent with ${big} services restarts none`,
    [v(s, FLEET_METRICS.agentKillRestarted, "vigil"), v(s, FLEET_METRICS.agentKill, "vigil")],
    ([a, b]) => `${a} restarted; every service supervised again ${fmt(b! / 1000, 2)} s after the kill`,
    ([a]) => a === 0,
  );
  judge("exit-to-status p99 < 250 ms (distributed)", [v(CONTROL_SECTION, CONTROL_METRICS.exitToStatusP99, "vigil")], ([a]) => `${fmt(a!)} ms`, ([a]) => a! < 250);
  judge(`ingest lag p99 < 1 s with ${scaleHosts.toLocaleString("en")} hosts × 20 heartbeating${scaleHosts === 1000 ? "" : " (the target is on 1,000)"}`, [v(CONTROL_SECTION, CONTROL_METRICS.scaleIngestLagP99, "vigil")], ([a]) => `${fmt(a!, 0)} ms`, ([a]) => a! < 1000);
  judge(`exit-to-status p99 < 250 ms under that load`, [v(CONTROL_SECTION, CONTROL_METRICS.scaleExitP99, "vigil")], ([a]) => `${fmt(a!, 0)} ms`, ([a]) => a! < 250);
  const scaleTarget = `${(scaleHosts * 20).toLocaleString("en")} services on ${scaleHosts.toLocaleString("en")} simulated hosts placed and delivered < 10 s, no event lost${scaleHosts === 1000 ? "" : " (the target is 20,000 on 1,000)"}`;
  const scaleNote = figures.note(CONTROL_SECTION, CONTROL_METRICS.scalePlaced, "vigil");
  // An incomplete run leaves no time but says how far it got: that is a miss, not a gap.
  if (v(CONTROL_SECTION, CONTROL_METRICS.scalePlaced, "vigil") === null && scaleNote !== undefined) results.push({ target: scaleTarget, measured: scaleNote, verdict: "not met" });
  else judge(
    scaleTarget,
    [v(CONTROL_SECTION, CONTROL_METRICS.scalePlaced, "vigil"), v(CONTROL_SECTION, CONTROL_METRICS.scaleLost, "vigil")],
    ([a, b]) => `${fmt(a!, 2)} s, ${b} lost`,
    ([a, b]) => a! < 10 && b === 0,
  );
  judge(
    `two coordinators, kill -9 of the one holding ${scaleHosts.toLocaleString("en")} agents' sessions: every agent on the other < 5 s, a restart right after reaches its host`,
    [v(CONTROL_SECTION, CONTROL_METRICS.failoverReconnected, "vigil"), v(CONTROL_SECTION, CONTROL_METRICS.failoverRestart, "vigil")],
    ([a, b]) => `${fmt(a!, 2)} s, restart answered in ${fmt(b!, 0)} ms`,
    ([a]) => a! < 5,
  );
  judge(
    "drain of a host with 50 accounts and 500 services < 30 s, no service on both hosts at any moment",
    [v(CONTROL_SECTION, CONTROL_METRICS.drainSeconds, "vigil"), v(CONTROL_SECTION, CONTROL_METRICS.drainOverlaps, "vigil")],
    ([a, b]) => `${fmt(a!)} s, ${b} on both`,
    ([a, b]) => a! < 30 && b === 0,
  );
  return results;
}
