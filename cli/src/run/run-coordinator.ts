// Runs `vigil coordinator`: PostgreSQL (or PGlite) store, the NATS durable consumer, AgentLink and
// Admin on one gRPC address; SIGINT/SIGTERM close it cleanly (unacked events stay in NATS).
import { NatsEventSource, openStore, startCoordinator } from "@vigil/coordinator";
import { busNames, compileCoordinatorConfig, COORDINATOR_SETTINGS } from "@vigil/shared";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import { writeBootstrapToken } from "./bootstrap-token.js";
import { coordinatorTls, describeTls } from "./coordinator-tls-files.js";
import { readNatsCredentials } from "./nats-credentials.js";
import { refusePasswordInUrlFlag } from "./secret-flags.js";
import { ignoreHangups, untilSignal } from "./until-signal.js";

export async function runCoordinator(flags: Record<string, unknown>): Promise<void> {
  ignoreHangups("vigil coordinator");
  await withConfigErrors("coordinator", async () => {
    refusePasswordInUrlFlag(flags, "databaseUrl");
    const config = requireConfig(compileCoordinatorConfig(loadSettings(COORDINATOR_SETTINGS, flags)));
    const store = await openStore({ url: config.databaseUrl, connectTimeoutMs: config.databaseConnectTimeoutMs, statementTimeoutMs: config.databaseStatementTimeoutMs });
    if (config.bootstrapTokenFile !== null && (await writeBootstrapToken(store, config.bootstrapTokenFile)) === "written") {
      process.stdout.write(`vigil coordinator: wrote an operator token to ${config.bootstrapTokenFile}\n`);
    }
    const tls = await coordinatorTls(config.tls);
    const nats = config.natsCredentialsFile === null ? undefined : readNatsCredentials(config.natsCredentialsFile);
    const events = new NatsEventSource({ servers: config.natsUrl, names: busNames(config.busPrefix), name: "vigil-coordinator", ...(nats && { credentials: nats }) });
    const coordinator = await startCoordinator({
      store,
      events,
      listen: config.listen,
      hostTimeoutMs: config.hostTimeoutMs,
      eventRetentionMs: config.eventRetentionDays * 86_400_000,
      tokenLimits: { streams: config.maxStreamsPerToken, calls: config.maxCallsPerToken },
      ...(tls === null ? { insecure: true } : { tls }),
    });
    process.stdout.write(`vigil coordinator: ${describeTls(config.tls, tls)}\n`);
    process.stdout.write(`vigil coordinator: listening on ${coordinator.address} (database ${store.backend}, events ${config.natsUrl}, prefix ${config.busPrefix})\n`);
    const signal = await untilSignal();
    process.stdout.write(`vigil coordinator: ${signal}: shutting down\n`);
    await coordinator.close();
    await store.close();
  });
}
