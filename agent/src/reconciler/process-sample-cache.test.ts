// A heartbeat's process sampling: new and restarted services are sampled at once, at most the
// budget of the others is re-sampled (longest unsampled first), so /proc reads per heartbeat stay
// flat however many services the host runs, and every service is refreshed in turn.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ProcessSnapshot } from "@vigil/shared";
import type { ProcessDriver, ProcessTracking } from "../driver/process-driver.js";
import type { Clock } from "../runtime/clock.js";
import { ProcessSampleCache } from "./process-sample-cache.js";

const INTERVAL_MS = 2_000;

function setup(services: number) {
  const inspected: number[] = [];
  const driver = {
    inspect: async (tracking: ProcessTracking) => {
      const pgid = tracking.kind === "process-group" ? tracking.pgid : 0;
      inspected.push(pgid);
      return [{ pid: pgid, ppid: 1, user: "nobody", command: "sleep", cpuPercent: 0, rssBytes: 1 }] satisfies ProcessSnapshot[];
    },
  } as unknown as ProcessDriver;
  let now = 0;
  const clock: Clock = { now: () => now, setTimer: () => ({ cancel: () => undefined }) };
  const cache = new ProcessSampleCache(driver, clock, INTERVAL_MS);
  const trackings = new Map(Array.from({ length: services }, (_, i) => [`a/s${i}`, { kind: "process-group", pgid: 100 + i } as ProcessTracking]));
  const report = async (budget: number) => {
    inspected.length = 0;
    const sampled = await cache.sampleForReport([...trackings], budget);
    return { sampled, inspected: [...inspected] };
  };
  return { report, trackings, advance: (ms: number) => (now += ms) };
}

describe("process samples for heartbeats", () => {
  it("samples every service the first time, then only the budget of the stalest ones", async () => {
    const host = setup(10);
    assert.equal((await host.report(3)).inspected.length, 10, "a service never sampled is sampled at once");
    host.advance(10_000);
    const second = await host.report(3);
    assert.equal(second.inspected.length, 3);
    assert.equal(second.sampled.size, 10, "every service is reported, most with its last sample");
    assert.ok([...second.sampled.values()].every((processes) => processes.length === 1));
  });

  it("refreshes every service in turn, the longest unsampled first", async () => {
    const host = setup(6);
    await host.report(2);
    const refreshed: number[] = [];
    for (let beat = 0; beat < 3; beat += 1) {
      host.advance(10_000);
      refreshed.push(...(await host.report(2)).inspected);
    }
    assert.deepEqual([...refreshed].sort(), [100, 101, 102, 103, 104, 105]);
  });

  it("samples a restarted service at once, beyond the budget", async () => {
    const host = setup(4);
    await host.report(0);
    host.trackings.set("a/s2", { kind: "process-group", pgid: 900 });
    host.advance(10_000);
    assert.deepEqual((await host.report(0)).inspected, [900]);
  });

  it("re-samples nothing sampled within the interval", async () => {
    const host = setup(4);
    await host.report(4);
    host.advance(INTERVAL_MS - 1);
    assert.deepEqual((await host.report(4)).inspected, []);
  });
});
