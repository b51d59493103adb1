// Runs `vigil coordinator`: PostgreSQL (or PGlite) store, the NATS durable consumer, AgentLink and
// Admin on one gRPC address; SIGINT/SIGTERM close it cleanly (unacked events stay in NATS).
import { NatsEventSource, NatsReplicaChannel, openStore, startCoordinator } from "@vigil/coordinator";
import type { CoordinatorMetrics } from "@vigil/coordinator/metrics";
import { busNames, compileCoordinatorConfig, type CompiledCoordinatorConfig, COORDINATOR_SETTINGS } from "@vigil/shared";
import { createDaemonLogger, type Logger, logProcessWarnings } from "@vigil/shared/logging";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import { writeBootstrapToken } from "./bootstrap-token.js";
import { coordinatorTls, describeTls } from "./coordinator-tls-files.js";
import { serveMetrics } from "./metrics-server.js";
import { readNatsCredentials } from "./nats-credentials.js";
import { refusePasswordInUrlFlag } from "./secret-flags.js";
import { ignoreHangups, untilSignal } from "./until-signal.js";

export async function runCoordinator(flags: Record<string, unknown>): Promise<void> {
  const logger = createDaemonLogger("vigil coordinator");
  logProcessWarnings(logger);
  ignoreHangups(logger);
  await withConfigErrors("coordinator", async () => {
    refusePasswordInUrlFlag(flags, "databaseUrl");
    const config = requireConfig(compileCoordinatorConfig(loadSettings(COORDINATOR_SETTINGS, flags)));
    await serve(config, logger).catch((error: unknown) => {
      logger.fatal({ err: error }, `stopped: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
  });
}

async function serve(config: CompiledCoordinatorConfig, logger: Logger): Promise<void> {
  // Bound before anything starts, so a taken port fails the start.
  const metrics = config.metricsListen === null ? undefined : (await import("@vigil/coordinator/metrics")).createCoordinatorMetrics();
  const metricsServer = metrics && config.metricsListen !== null ? await serveMetrics(metrics.registry, config.metricsListen, logger) : undefined;
  try {
    await serveWith(config, logger, metrics);
  } finally {
    await metricsServer?.close();
  }
}

async function serveWith(config: CompiledCoordinatorConfig, logger: Logger, metrics: CoordinatorMetrics | undefined): Promise<void> {
  const store = await openStore({ url: config.databaseUrl, connectTimeoutMs: config.databaseConnectTimeoutMs, statementTimeoutMs: config.databaseStatementTimeoutMs });
  if (config.bootstrapTokenFile !== null && (await writeBootstrapToken(store, config.bootstrapTokenFile)) === "written") {
    logger.info({ path: config.bootstrapTokenFile }, "wrote an operator token");
  }
  const tls = await coordinatorTls(config.tls);
  const nats = config.natsCredentialsFile === null ? undefined : readNatsCredentials(config.natsCredentialsFile);
  const events = new NatsEventSource({ servers: config.natsUrl, names: busNames(config.busPrefix), name: "vigil-coordinator", logger, ...(nats && { credentials: nats }) });
  // Other replicas of this deployment (same database, NATS and prefix) reach this one's agents through NATS.
  const replicas = await NatsReplicaChannel.open({ servers: config.natsUrl, prefix: config.busPrefix, logger, ...(nats && { credentials: nats }) });
  const coordinator = await startCoordinator({
    store,
    events,
    replicas,
    listen: config.listen,
    ...(config.httpListen !== null && { httpListen: config.httpListen }),
    hostTimeoutMs: config.hostTimeoutMs,
    eventRetentionMs: config.eventRetentionDays * 86_400_000,
    hostDownPolicy: { windowMs: config.hostDownWindowMs, actions: { public: config.hostDownActionPublic, private: config.hostDownActionPrivate } },
    tokenLimits: { streams: config.maxStreamsPerToken, calls: config.maxCallsPerToken },
    logger,
    ...(metrics && { metrics }),
    ...(tls === null ? { insecure: true } : { tls }),
  });
  logger.info({ tls: tls !== null }, describeTls(config.tls, tls));
  logger.info({ address: coordinator.address, database: store.backend, events: config.natsUrl, prefix: config.busPrefix }, `listening on ${coordinator.address}`);
  if (coordinator.httpUrl !== undefined) logger.info({ url: coordinator.httpUrl }, `HTTP API on ${coordinator.httpUrl}`);
  const signal = await untilSignal();
  logger.info(`${signal}: shutting down`);
  await coordinator.close();
  await store.close();
}
