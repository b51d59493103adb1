// Runs `vigil up`: the coordinator with PGlite in this process and the agent as a small child
// process, AgentLink and status events over loopback gRPC. Prints the address and an operator
// token, writes them for the CLI, and on Ctrl-C stops every service before exiting 0.
import { chmodSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { cgroupInstanceFor, lockStateDir } from "@vigil/agent";
import { LinkEventSource, openStore, type RunningCoordinator, startCoordinator, type Store } from "@vigil/coordinator";
import { busNames, compileUpConfig, type CompiledUpConfig, UP_SETTINGS } from "@vigil/shared";
import { createDaemonLogger, type Logger, logProcessWarnings } from "@vigil/shared/logging";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import { clientConfigPath, writeClientConfig } from "../operator/client-config.js";
import type { CoordinatorMetrics } from "@vigil/coordinator/metrics";
import { AgentChild } from "./agent-child.js";
import { claimClientConfig } from "./cli-config-claim.js";
import { makePrivate, pgliteTemplateDir, seedDatabaseDir } from "./embedded-database.js";
import { ensureDefaultAccount, ensureLocalHost, ensureOperatorToken } from "./embedded-setup.js";
import { serveMetrics } from "./metrics-server.js";
import { ignoreHangups, untilSignal } from "./until-signal.js";

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
  // The agent's process starts while the database opens; it gets its address and token below.
  const agent = new AgentChild({ hostName: config.hostName, stateDir: join(config.stateDir, "agent"), hostConfig: config.hostConfig, metricsListen: config.agentMetricsListen, logger });
  const firstExit = agent.exited();
  agent.start();
  try {
    const dbDir = join(config.stateDir, "db");
    seedDatabaseDir(dbDir, pgliteTemplateDir());
    const store = await openStore({ url: `pglite:${dbDir}` });
    makePrivate(dbDir);
    try {
      const events = new LinkEventSource(busNames("vigil"));
      const coordinator = await startCoordinator({ store, events, listen: config.listen, httpListen: config.httpListen, logger, ...(metrics && { metrics }) });
      try {
        await serveWith(config, startedAt, store, coordinator, agent, firstExit);
      } finally {
        await agent.stop();
        await coordinator.close();
      }
    } finally {
      await store.close();
    }
  } finally {
    await agent.stop();
  }
}

async function serveWith(config: CompiledUpConfig, startedAt: number, store: Store, coordinator: RunningCoordinator, agent: AgentChild, firstExit: Promise<unknown>): Promise<void> {
  const account = await ensureDefaultAccount(store, config.homesDir ?? defaultHomesDir(config.stateDir));
  const hostToken = await ensureLocalHost(store, config.hostName);
  const cliConfig = join(config.stateDir, "cli.json");
  const operatorToken = await ensureOperatorToken(store, cliConfig);
  agent.provide({ coordinator: coordinator.address, token: hostToken });
  await waitConnected(() => coordinator.link.isConnected(config.hostName), firstExit);
  const clientConfig = { address: coordinator.address, token: operatorToken, account };
  await writeClientConfig(cliConfig, clientConfig);
  const claim = await claimClientConfig(clientConfigPath(), config.stateDir, clientConfig);
  say(`listening on ${coordinator.address}`);
  say(`HTTP API and console on ${coordinator.httpUrl}`);
  say(`operator token ${operatorToken}`);
  say(`account ${account} on host ${config.hostName}; state in ${config.stateDir}`);
  say(claim.written ? `CLI config in ${clientConfigPath()}` : `kept the CLI config ${clientConfigPath()}: ${claim.reason}; use VIGIL_CLIENT_CONFIG=${cliConfig} to reach this one`);
  say(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  const signal = await untilSignal();
  say(`${signal}: stopping every service`);
}

async function waitConnected(connected: () => boolean, agentExited: Promise<unknown>): Promise<void> {
  let exited = false;
  void agentExited.then(() => (exited = true));
  // Generous: on a loaded machine the agent's start alone can take seconds.
  const deadline = Date.now() + 120_000;
  while (!connected()) {
    if (exited) throw new Error("the local agent exited before it connected (its messages are above)");
    if (Date.now() > deadline) throw new Error("the local agent did not connect within 120 s");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
