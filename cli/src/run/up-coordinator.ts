// `vigil up`'s coordinator half: PGlite in this process, the coordinator on it, first-start setup,
// and the wait for the agent child to connect. Loaded by run-up.ts once the agent process and the
// database's seeding are under way, so that loading these modules overlaps both.
import { join } from "node:path";
import { LinkEventSource, openStore, type RunningCoordinator, startCoordinator, type Store } from "@vigil/coordinator";
import { busNames, type CompiledUpConfig } from "@vigil/shared";
import { type Logger } from "@vigil/shared/logging";
import type { CoordinatorMetrics } from "@vigil/coordinator/metrics";
import { clientConfigPath, writeClientConfig } from "../operator/client-config.js";
import { type AgentChild } from "./agent-child.js";
import { claimClientConfig } from "./cli-config-claim.js";
import { type DatabaseDirState, makePrivate } from "./embedded-database.js";
import { ensureDefaultAccount, ensureLocalHost, ensureOperatorToken } from "./embedded-setup.js";
import { untilSignal } from "./until-signal.js";

export interface UpCoordinatorOptions {
  readonly config: CompiledUpConfig;
  readonly homesDir: string;
  readonly startedAt: number;
  readonly logger: Logger;
  readonly metrics: CoordinatorMetrics | undefined;
  readonly agent: AgentChild;
  readonly agentExited: Promise<unknown>;
  /** The database directory, once the template's copy (if any) is in place. */
  readonly database: Promise<{ readonly dir: string; readonly state: DatabaseDirState }>;
}

const say = (line: string) => process.stdout.write(`vigil up: ${line}\n`);

/** Serves until SIGINT/SIGTERM; the agent is stopped (every service with it) before the coordinator closes. */
export async function serveCoordinator(options: UpCoordinatorOptions): Promise<void> {
  const database = await options.database;
  const store = await openStore({ url: `pglite:${database.dir}` });
  // Only a database PGlite initialised itself (no template) has files of the umask's modes.
  if (database.state === "empty") makePrivate(database.dir);
  try {
    const events = new LinkEventSource(busNames("vigil"));
    const { config, logger, metrics } = options;
    const coordinator = await startCoordinator({ store, events, listen: config.listen, httpListen: config.httpListen, logger, ...(metrics && { metrics }) });
    try {
      await serveWith(options, store, coordinator);
    } finally {
      await options.agent.stop();
      await coordinator.close();
    }
  } finally {
    await store.close();
  }
}

async function serveWith({ config, homesDir, startedAt, agent, agentExited }: UpCoordinatorOptions, store: Store, coordinator: RunningCoordinator): Promise<void> {
  const account = await ensureDefaultAccount(store, homesDir);
  const hostToken = await ensureLocalHost(store, config.hostName);
  const cliConfig = join(config.stateDir, "cli.json");
  const operatorToken = await ensureOperatorToken(store, cliConfig);
  agent.provide({ coordinator: coordinator.address, token: hostToken });
  await waitConnected(() => coordinator.link.isConnected(config.hostName), agentExited);
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
