// Tests of the target verdicts: judged from the run's own figures, ratios against the right peer,
// and "not measured" (never "met") when a figure is missing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FLEET_METRICS, fleetSection } from "../scenarios/fleet.js";
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

  void it("a target whose figures are missing is not measured", () => {
    const results = evaluateTargets(new FigureLog(), [100, 500], 3, 1000);
    assert.ok(results.length > 0);
    assert.ok(results.every((t) => t.verdict === "not measured"));
  });

  void it("an incomplete scale run is a miss that says how far it got", () => {
    const figures = new FigureLog();
    figures.set("control plane", "scale: every service placed and delivered to its host", "s", true, "vigil", null, "only 10 of 20000 created");
    const scale = evaluateTargets(figures, [500], 3, 1000).at(-1)!;
    assert.deepEqual([scale.verdict, scale.measured], ["not met", "only 10 of 20000 created"]);
  });
});
