// Tests of the target verdicts: judged from the run's own figures, ratios against the right peer,
// and "not measured" (never "met") when a figure is missing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FLEET_METRICS, fleetSection } from "../scenarios/fleet.js";
import { UP_METRICS, UP_SECTION } from "../scenarios/vigil-up.js";
import { FigureLog } from "./figures.js";
import { evaluateTargets } from "./targets.js";

function fleet(n: number, metric: string, vigil: number, supervisord: number, pm2: number): FigureLog {
  const figures = new FigureLog();
  figures.add({ section: fleetSection(n), metric, unit: "ms", lowerIsBetter: true, values: { vigil, supervisord, pm2 } });
  return figures;
}

void describe("target verdicts", () => {
  void it("restart latency is met at 0.7× PM2's median and not met above it", () => {
    const at = (vigil: number) => evaluateTargets(fleet(500, FLEET_METRICS.restartMedian, vigil, 1000, 100), [500], 3, 1000)[0]!;
    assert.equal(at(70).verdict, "met");
    assert.equal(at(71).verdict, "not met");
    assert.equal(at(71).measured, "71.0 ms vs 100.0 ms (0.71×)");
  });

  void it("idle CPU is judged against supervisord, not the best peer", () => {
    const figures = fleet(500, FLEET_METRICS.idleCpu, 0.2, 0.3, 0.1);
    const idle = evaluateTargets(figures, [500], 3, 1000).find((t) => t.target.startsWith("idle CPU"))!;
    assert.equal(idle.verdict, "met");
  });

  void it("the agent's RSS is judged against PM2's daemon, and all of vigil up against 350 MB", () => {
    const figures = new FigureLog();
    figures.set(fleetSection(500), FLEET_METRICS.rss, "MiB", true, "vigil", 340, undefined);
    figures.set(fleetSection(500), FLEET_METRICS.rss, "MiB", true, "pm2", 60, undefined);
    figures.set(fleetSection(500), FLEET_METRICS.agentRss, "MiB", true, "vigil", 55, undefined);
    const results = evaluateTargets(figures, [500], 3, 1000);
    assert.equal(results.find((t) => t.target.startsWith("agent RSS"))?.verdict, "met");
    assert.deepEqual(results.find((t) => t.target.startsWith("all of vigil up")), { target: "all of vigil up (coordinator, agent and log keeper) with 500 services ≤ 350 MB", measured: "340.0 MiB", verdict: "not met" });
  });

  void it("the CLI's start-up is judged against 300 ms and shown with its ratio to node -e 0", () => {
    const figures = new FigureLog();
    figures.set(UP_SECTION, UP_METRICS.nodeBaseline, "ms", true, "vigil", 50);
    figures.set(UP_SECTION, UP_METRICS.cliVersion, "ms", true, "vigil", 150);
    const version = evaluateTargets(figures, [500], 3, 1000).find((t) => t.target.startsWith("`vigil --version`"))!;
    assert.deepEqual([version.verdict, version.measured], ["met", "150 ms; node -e 0: 50 ms (3.0×)"]);
  });

  void it("kill -9 of vigil up's agent is met only when it restarted no service", () => {
    const at = (restarted: number) => {
      const figures = new FigureLog();
      figures.set(fleetSection(500), FLEET_METRICS.agentKill, "ms", true, "vigil", 2345, undefined);
      figures.set(fleetSection(500), FLEET_METRICS.agentKillRestarted, "count", true, "vigil", restarted, undefined);
      return evaluateTargets(figures, [500], 3, 1000).find((t) => t.target.startsWith("kill -9 of vigil up's agent"))!;
    };
    assert.deepEqual([at(0).verdict, at(0).measured], ["met", "0 restarted; every service supervised again 2.35 s after the kill"]);
    assert.equal(at(1).verdict, "not met");
  });

  void it("a target whose figures are missing is not measured", () => {
    const results = evaluateTargets(new FigureLog(), [100, 500], 3, 1000);
    assert.ok(results.length > 0);
    assert.ok(results.every((t) => t.verdict === "not measured"));
  });

  void it("an incomplete scale run is a miss that says how far it got", () => {
    const figures = new FigureLog();
    figures.set("control plane", "scale: every service placed and delivered to its host", "s", true, "vigil", null, "only 10 of 20000 created");
    const scale = evaluateTargets(figures, [500], 3, 1000).find((target) => target.target.startsWith("20,000 services"))!;
    assert.deepEqual([scale.verdict, scale.measured], ["not met", "only 10 of 20000 created"]);
  });

  void it("failover is met when every agent reconnected within 5 s, whatever the restart took", () => {
    const verdict = (reconnectedS: number) => {
      const figures = new FigureLog();
      figures.set("control plane", "failover: every agent reconnected to the other coordinator", "s", true, "vigil", reconnectedS);
      figures.set("control plane", "failover: a restart through the survivor answered by its host", "ms", true, "vigil", 120);
      return evaluateTargets(figures, [500], 3, 1000).find((target) => target.target.startsWith("two coordinators"))!;
    };
    assert.deepEqual([verdict(1.25).verdict, verdict(1.25).measured], ["met", "1.25 s, restart answered in 120 ms"]);
    assert.equal(verdict(5.5).verdict, "not met");
  });
});
