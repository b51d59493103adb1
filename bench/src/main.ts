// `npm run bench`: installs the peers if missing, runs every scenario for every supervisor one
// after another, writes raw JSON to bench/results/ and the report to BENCHMARKS.md.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeMachine } from "./machine.js";
import { type BenchOptions, parseOptions, SCENARIOS } from "./options.js";
import { ensurePeers } from "./peers/install-peers.js";
import { FigureLog, type SupervisorName } from "./report/figures.js";
import { rerenderLatest, writeResults } from "./report/write-results.js";
import { evaluateTargets } from "./report/targets.js";
import { log, runGuarded, runTurn } from "./run-turn.js";
import { runControlLatency } from "./control/control-latency.js";
import { CONTROL_MODES } from "./control/control-stack.js";
import { runReattach } from "./control/reattach.js";
import { runScale, SCALE_SERVICES_PER_HOST } from "./control/scale.js";
import { runFailover } from "./control/failover.js";
import { runDrain } from "./control/drain.js";
import { runCrashLoop } from "./scenarios/crash-loop.js";
import { runFleet } from "./scenarios/fleet.js";
import { runFlood } from "./scenarios/flood.js";
import { runRestartNode } from "./scenarios/restart-node.js";
import { runVigilUp } from "./scenarios/vigil-up.js";
import type { ScenarioContext } from "./scenarios/scenario-context.js";
import { Pm2UnderTest } from "./sut/pm2-sut.js";
import type { SupervisorUnderTest } from "./sut/supervisor-under-test.js";
import { SupervisordUnderTest } from "./sut/supervisord-sut.js";
import { VigilUpUnderTest } from "./sut/vigil-up-sut.js";
import { VigilUnderTest } from "./sut/vigil-sut.js";
import { bundleVigilHost } from "./vigil/bundle-host.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The issue's figure: how long reattach takes at 500 services. */
const REATTACH_SERVICES = 500;

interface Step {
  readonly label: string;
  readonly boundMs: number;
  readonly run: (ctx: ScenarioContext) => Promise<void>;
}

function agentSteps(options: BenchOptions): Step[] {
  const steps: Step[] = [];
  if (options.scenarios.includes("restart-node")) steps.push({ label: "restart (Node sleeper)", boundMs: 300_000, run: runRestartNode });
  if (options.scenarios.includes("flood")) steps.push({ label: "log flood", boundMs: 360_000, run: runFlood });
  if (options.scenarios.includes("crash-loop")) steps.push({ label: "crash loop", boundMs: 180_000, run: runCrashLoop });
  return steps;
}

/** The stripped host process's figures go to their own section, never next to vigil up's. */
const strippedSection = (n: number): string => `agent library alone in a stripped host process (not vigil up), N = ${n}`;

/** The fleet runs every supervisor side by side in one bounded step; all are shut down after it. */
async function runFleetStep(n: number, suts: SupervisorUnderTest[], options: BenchOptions, figures: FigureLog, section?: (n: number) => string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-fleet-"));
  return runGuarded(
    `fleet N=${n} (${suts.map((sut) => sut.name).join(", ")})${section ? " stripped" : ""}`,
    900_000,
    (ledger) => runFleet({ suts, kills: options.kills, idleMs: options.idleMs, ledger, figures, dir, log, ...(section && { section }) }, n),
    async () => {
      for (const sut of suts) await sut.shutdown().catch((error: unknown) => log(`${sut.name} shutdown: ${String(error)}`));
      rmSync(dir, { recursive: true, force: true });
    },
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = describeMachine();
  const started = performance.now();
  const peers = ensurePeers();
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim();
  const versions: Record<SupervisorName, string> = { vigil: `(commit ${commit})`, supervisord: peers.supervisord, pm2: peers.pm2 };
  // The `vigil` command users run is the bundle in cli/build: rebuilt from this checkout, as `npm run up` does.
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { cwd: root, stdio: "inherit" });
  const make = (who: SupervisorName): SupervisorUnderTest =>
    who === "vigil" ? new VigilUpUnderTest() : who === "supervisord" ? new SupervisordUnderTest() : new Pm2UnderTest();
  const figures = new FigureLog();
  const incidents: string[] = [];
  if (options.scenarios.includes("fleet")) {
    for (const n of options.sizes) incidents.push(...(await runFleetStep(n, options.supervisors.map(make), options, figures)));
    if (options.stripped) {
      const bundle = await bundleVigilHost();
      for (const n of options.sizes) incidents.push(...(await runFleetStep(n, [new VigilUnderTest(bundle)], options, figures, strippedSection)));
    }
  }
  if (options.scenarios.includes("vigil-up") && options.supervisors.includes("vigil")) {
    const services = Math.max(...options.sizes);
    incidents.push(...(await runGuarded(`vigil up: ready and CLI start-up (N=${services})`, 900_000, (ledger) => runVigilUp({ services, cliRuns: options.cliRuns, ledger, figures, log }))));
  }
  for (const step of agentSteps(options)) {
    for (const who of options.supervisors) incidents.push(...(await runTurn(step.label, make(who), options, figures, step.boundMs, step.run)));
  }
  if (options.scenarios.includes("control-plane")) {
    for (const mode of CONTROL_MODES) {
      incidents.push(...(await runGuarded(`control plane (${mode})`, 300_000, (ledger) => runControlLatency(mode, options.controlSamples, figures, ledger, log))));
    }
    incidents.push(...(await runGuarded("control plane (agent restart)", 600_000, (ledger) => runReattach(REATTACH_SERVICES, figures, ledger, log))));
  }
  if (options.scenarios.includes("failover")) {
    incidents.push(...(await runGuarded("control plane (failover)", 300_000, (ledger) => runFailover(options.scaleHosts, figures, ledger, log))));
  }
  if (options.scenarios.includes("scale")) {
    incidents.push(...(await runGuarded("control plane (scale)", 600_000 + options.scaleMinutes * 60_000, (ledger) => runScale(options.scaleHosts, SCALE_SERVICES_PER_HOST, options.scaleMinutes * 60_000, figures, ledger, log))));
  }
  if (options.scenarios.includes("host-drain")) incidents.push(...(await runGuarded("control plane (host drain)", 300_000, (ledger) => runDrain(figures, ledger, log))));
  const targets = evaluateTargets(figures, options.sizes, options.crashers, options.scaleHosts);
  const durationS = (performance.now() - started) / 1000;
  const full = !options.quick && options.scenarios.length === SCENARIOS.length && options.scaleHosts === 1000 && options.scaleMinutes >= 5;
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const written = writeResults({ machine, versions, options, command, full, durationS, figures: figures.figures, targets, incidents });
  console.log(`bench: done in ${durationS.toFixed(0)} s; report ${written.report}, raw ${written.raw}`);
  for (const t of targets) console.log(`bench: target ${t.verdict}: ${t.target}: ${t.measured}`);
}

if (process.argv.includes("--render")) console.log(`bench: re-rendered ${rerenderLatest()} from bench/results/latest.json`);
else await main();
