// Restart latency of a Node program: K Node sleepers, each SIGKILLed once, timed until the new
// process has written its pid (Node's own start-up is part of every supervisor's figure).
import { join } from "node:path";
import { waitAllRunning } from "../proc/pid-files.js";
import { sleep } from "../proc/wait.js";
import { median, percentile } from "../stats.js";
import { killAndWait } from "./fleet.js";
import type { ScenarioContext } from "./scenario-context.js";

export const NODE_RESTART_METRICS = {
  median: "restart after SIGKILL (Node sleeper), median",
  p95: "restart after SIGKILL (Node sleeper), p95",
} as const;

export async function runRestartNode(ctx: ScenarioContext): Promise<void> {
  const { sut, figures, ledger, options } = ctx;
  const services = Array.from({ length: options.nodeSleepers }, (_, i) => ({ name: `node-${i}`, kind: "sleeper-node" as const, pidFile: join(ctx.dir, `node-${i}`) }));
  await sut.boot(services);
  for (const pid of sut.daemonPids()) ledger.record(pid, `${sut.name} daemon`);
  await sut.startAll();
  (await waitAllRunning(services.map((s) => s.pidFile), 120_000)).forEach((pid) => ledger.record(pid, "node sleeper"));
  await sleep(1_500);
  const samples: number[] = [];
  for (const service of services) {
    const { ms, pid } = await killAndWait(service.pidFile, 30_000);
    samples.push(ms);
    ledger.record(pid, "node sleeper (restarted)");
    await sleep(100);
  }
  figures.set("workloads", NODE_RESTART_METRICS.median, "ms", true, sut.name, median(samples));
  figures.set("workloads", NODE_RESTART_METRICS.p95, "ms", true, sut.name, percentile(samples, 95), `${samples.length} kills`);
  await sut.stopAll();
}
