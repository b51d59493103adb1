// Command-line options of `npm run bench`: --quick (small N, few iterations), --only <scenario>,
// --n <sizes>, --supervisors <names>, --stripped; bad input names the option and the rule.
import { SUPERVISORS, type SupervisorName } from "./report/figures.js";

export const SCENARIOS = ["fleet", "vigil-up", "restart-node", "flood", "crash-loop", "control-plane", "failover", "scale", "host-drain"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  readonly quick: boolean;
  readonly scenarios: readonly ScenarioName[];
  readonly supervisors: readonly SupervisorName[];
  /** Service counts of the fleet scenario. */
  readonly sizes: readonly number[];
  /** SIGKILLs per restart-latency measurement. */
  readonly kills: number;
  readonly idleMs: number;
  readonly floodLines: number;
  readonly crashers: number;
  readonly nodeSleepers: number;
  /** Services created (and killed) per control-plane mode. */
  readonly controlSamples: number;
  /** Simulated hosts of the scale test (20 services each). */
  readonly scaleHosts: number;
  /** How long the scale test's sustained load (heartbeats, exits, bursts) lasts. */
  readonly scaleMinutes: number;
  /** Runs of each CLI command whose start-up is measured. */
  readonly cliRuns: number;
  /** Also run the fleet with the stripped agent host process (the agent library alone, not vigil up). */
  readonly stripped: boolean;
}

const FULL = { sizes: [100, 500], kills: 30, idleMs: 30_000, floodLines: 200_000, crashers: 3, nodeSleepers: 30, controlSamples: 40, scaleHosts: 1000, scaleMinutes: 5, cliRuns: 20 };
const QUICK = { sizes: [20], kills: 5, idleMs: 3_000, floodLines: 20_000, crashers: 2, nodeSleepers: 5, controlSamples: 5, scaleHosts: 20, scaleMinutes: 0.5, cliRuns: 5 };

function listOf<T extends string>(option: string, text: string | undefined, allowed: readonly T[]): T[] {
  const items = (text ?? "").split(",").filter(Boolean);
  const wrong = items.filter((item) => !allowed.includes(item as T));
  if (items.length === 0 || wrong.length > 0) throw new Error(`${option}: must be a comma-separated list of ${allowed.join(", ")}${wrong.length ? ` (got ${wrong.join(", ")})` : ""}`);
  return items as T[];
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes("--quick");
  const base = quick ? QUICK : FULL;
  let scenarios: readonly ScenarioName[] = SCENARIOS;
  let supervisors: readonly SupervisorName[] = SUPERVISORS;
  let sizes: readonly number[] = base.sizes;
  let scaleHosts = base.scaleHosts;
  let scaleMinutes = base.scaleMinutes;
  let stripped = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--quick") continue;
    else if (arg === "--stripped") stripped = true;
    else if (arg === "--only") scenarios = listOf("--only", argv[++i], SCENARIOS);
    else if (arg === "--supervisors") supervisors = listOf("--supervisors", argv[++i], SUPERVISORS);
    else if (arg === "--n") {
      sizes = (argv[++i] ?? "").split(",").map(Number);
      if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 2000)) throw new Error("--n: must be a comma-separated list of integers from 1 to 2000");
    } else if (arg === "--scale-hosts") {
      scaleHosts = Number(argv[++i]);
      if (!Number.isInteger(scaleHosts) || scaleHosts < 1 || scaleHosts > 5000) throw new Error("--scale-hosts: must be an integer from 1 to 5000");
    } else if (arg === "--scale-minutes") {
      scaleMinutes = Number(argv[++i]);
      if (!(scaleMinutes >= 0.1 && scaleMinutes <= 60)) throw new Error("--scale-minutes: must be a number of minutes from 0.1 to 60");
    } else throw new Error(`unknown option ${arg}; use --quick, --only <${SCENARIOS.join("|")}>, --n <sizes>, --supervisors <names>, --scale-hosts <n>, --scale-minutes <m>, --stripped`);
  }
  return { ...base, quick, scenarios, supervisors, sizes, scaleHosts, scaleMinutes, stripped };
}
