// Runs `vigil up`: the coordinator with PGlite in this process (up-coordinator.ts) and the agent as
// a small child process, AgentLink and status events over loopback gRPC. Prints the address and an
// operator token, writes them for the CLI, and on Ctrl-C stops every service before exiting 0.
import { chmodSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { cgroupInstanceFor, lockStateDir } from "@vigil/agent";
import { compileUpConfig, type CompiledUpConfig, UP_SETTINGS } from "@vigil/shared";
import { createDaemonLogger, type Logger, logProcessWarnings } from "@vigil/shared/logging";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import type { CoordinatorMetrics } from "@vigil/coordinator/metrics";
import { AgentChild } from "./agent-child.js";
import { pgliteTemplateDir, seedDatabaseDir } from "./embedded-database.js";
import { serveMetrics } from "./metrics-server.js";
import { ignoreHangups } from "./until-signal.js";

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env["XDG_STATE_HOME"] ? join(env["XDG_STATE_HOME"], "vigil") : join(homedir(), ".vigil");
}

/** As root, account homes cannot live under the private state directory (or under /root). */
export function defaultHomesDir(stateDir: string): string {
  return join("/var/lib/vigil-homes", cgroupInstanceFor(stateDir));
}

const say = (line: string) => process.stdout.write(`vigil up: ${line}\n`);

export async function runUp(flags: Record<string, unknown>): Promise<void> {
  // A terminal closing must not kill vigil up halfway through its start and orphan its agent.
  const logger = createDaemonLogger("vigil up");
  logProcessWarnings(logger);
  ignoreHangups(logger);
  await withConfigErrors("up", async () => {
    const config = requireConfig(compileUpConfig(loadSettings(UP_SETTINGS, flags), { stateDir: defaultStateDir() }));
    const startedAt = Date.now();
    // Vigil's own files (database, outbox, tokens) are private to its user, whatever the umask or parent.
    mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
    chmodSync(config.stateDir, 0o700);
    const lock = lockStateDir(config.stateDir, "vigil up");
    try {
      await serve(config, startedAt, logger);
    } finally {
      lock.release();
    }
  });
}

async function serve(config: CompiledUpConfig, startedAt: number, logger: Logger): Promise<void> {
  // The coordinator's metrics are served by this process, the agent's by the agent child (--metrics-listen).
  const metrics = config.metricsListen === null ? undefined : (await import("@vigil/coordinator/metrics")).createCoordinatorMetrics();
  const metricsServer = metrics && config.metricsListen !== null ? await serveMetrics(metrics.registry, config.metricsListen, logger) : undefined;
  try {
    await serveWithAgent(config, startedAt, logger, metrics);
  } finally {
    await metricsServer?.close();
  }
  say("stopped");
}

async function serveWithAgent(config: CompiledUpConfig, startedAt: number, logger: Logger, metrics: CoordinatorMetrics | undefined): Promise<void> {
  // The agent's process starts first and the template's copy beside it: both run while this
  // process loads the coordinator's modules; the agent gets its address and token once it listens.
  const agent = new AgentChild({ hostName: config.hostName, stateDir: join(config.stateDir, "agent"), hostConfig: config.hostConfig, metricsListen: config.agentMetricsListen, logger });
  const agentExited = agent.exited();
  agent.start();
  try {
    const dir = join(config.stateDir, "db");
    const database = seedDatabaseDir(dir, pgliteTemplateDir()).then((state) => ({ dir, state }));
    // Handled where it is awaited; a failed module load must not leave it unhandled.
    database.catch(() => undefined);
    const { serveCoordinator } = await import("./up-coordinator.js");
    await serveCoordinator({ config, homesDir: config.homesDir ?? defaultHomesDir(config.stateDir), startedAt, logger, metrics, agent, agentExited, database });
  } finally {
    await agent.stop();
  }
}
