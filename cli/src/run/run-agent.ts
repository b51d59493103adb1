// Runs `vigil agent`: supervision of this host's services, AgentLink to the coordinator, status
// events to NATS through the disk outbox (or on the link, under vigil up). SIGINT/SIGTERM leave the
// services running for the next agent run to adopt (--on-exit stop-services stops them; vigil up's
// agent always stops them); a refused token stops every service.
import { hostname } from "node:os";
import { KeeperLogFactory, NftCli, realHostNetworkCommands, startAgent } from "@vigil/agent";
import { AGENT_SETTINGS, busNames, compileAgentConfig, hostInboxPrefix } from "@vigil/shared";
import { createDaemonLogger, logProcessWarnings } from "@vigil/shared/logging";
import { loadHostConfig } from "../config/host-config-file.js";
import { loadSettings, requireConfig, withConfigErrors } from "../config/load-settings.js";
import { type MetricsServer, serveMetrics } from "./metrics-server.js";
import { agentLinkSecurity } from "./agent-tls.js";
import { readNatsCredentials } from "./nats-credentials.js";
import { startLogKeeper } from "./run-log-keeper.js";
import { refuseSecretFlags } from "./secret-flags.js";
import { ignoreHangups, readStdinSettings, untilSignal, untilStdinCloses } from "./until-signal.js";

export async function runAgent(givenFlags: Record<string, unknown>): Promise<void> {
  const logger = createDaemonLogger("vigil agent");
  logProcessWarnings(logger);
  ignoreHangups(logger);
  await withConfigErrors("agent", async () => {
    refuseSecretFlags(givenFlags, ["token"]);
    // vigil up starts its agent before the coordinator is up and sends the address and token once it is.
    const embedded = givenFlags["exitWithStdin"] === true;
    const flags = embedded ? { ...givenFlags, ...(await readStdinSettings()) } : givenFlags;
    const config = requireConfig(compileAgentConfig(loadSettings(AGENT_SETTINGS, flags), { hostName: hostname() }));
    const link = await agentLinkSecurity(config);
    const hostConfig = loadHostConfig(config.hostConfig, config.stateDir);
    // Bound before anything starts, so a taken port fails the start, not a running agent.
    const metrics = config.metricsListen === null ? undefined : (await import("@vigil/agent/metrics")).createAgentMetrics();
    let metricsServer: MetricsServer | undefined;
    try {
      metricsServer = metrics && config.metricsListen !== null ? await serveMetrics(metrics.registry, config.metricsListen, logger) : undefined;
    } catch (error) {
      logger.fatal({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
      process.stdin.destroy();
      return;
    }
    const nats = config.natsCredentialsFile === null ? undefined : { ...readNatsCredentials(config.natsCredentialsFile), inboxPrefix: hostInboxPrefix(config.hostName) };
    // The host's log keeper reads the services' output into their logs, apart from this process.
    const keeperProtocol = typeof givenFlags["logKeeperProtocol"] === "number" ? givenFlags["logKeeperProtocol"] : undefined;
    const logs = new KeeperLogFactory({
      stateDir: config.stateDir,
      options: { rotateBytes: hostConfig.logRotation.maxBytes, keepFiles: hostConfig.logRotation.keepFiles },
      startKeeper: () => startLogKeeper(config.stateDir, keeperProtocol),
      ...(keeperProtocol !== undefined && { protocol: keeperProtocol }),
      report: (message) => logger.info(message),
    });
    // Started now, so that its start (seconds from the sources on a loaded host) overlaps the agent's.
    logs.start().catch((error: unknown) => logger.error({ err: error }, "the log keeper did not start; service logs wait for it"));
    // The NATS client is loaded only when events go to NATS (not under vigil up, where they ride the link).
    const publisher = config.events === "link" ? null : new (await import("@vigil/agent/nats-publisher")).NatsEventPublisher({ servers: config.natsUrl, name: `vigil-agent ${config.hostName}`, ...(nats && { credentials: nats }) });
    const agent = await startAgent({
      coordinators: config.coordinators,
      hostName: config.hostName,
      token: link.token,
      ...(link.credentials && { linkCredentials: link.credentials }),
      stateDir: config.stateDir,
      hostConfig,
      publisher: publisher ?? "link",
      busNames: busNames(config.busPrefix),
      nftables: new NftCli(),
      logger,
      ...(metrics && { metrics }),
      hostNetwork: realHostNetworkCommands,
      logs,
    }).catch(async (error: unknown) => {
      await publisher?.close().catch(() => undefined);
      await logs.close();
      await metricsServer?.close();
      logger.fatal({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
      // startAgent released what it held; should anything still hold the event loop, exit all the same.
      setTimeout(() => process.exit(), 5_000).unref();
      return undefined;
    });
    if (agent === undefined) {
      process.stdin.destroy();
      return;
    }
    logger.info({ host: config.hostName, coordinators: config.coordinators, link: link.description, events: publisher === null ? "link" : config.natsUrl }, "agent running");
    const stopped = embedded ? Promise.race([untilSignal(), untilStdinCloses()]) : untilSignal();
    const ended = await Promise.race([stopped, agent.refused.then((message) => ({ refused: message }))]);
    // vigil up's agent ends with vigil up, and vigil up's Ctrl-C stops everything.
    const stopServices = embedded || config.onExit === "stop-services" || typeof ended !== "string";
    if (typeof ended !== "string") logger.fatal(`${ended.refused}; stopping every service and exiting`);
    else logger.info(`${ended}: ${stopServices ? "stopping every service" : "leaving every service running for the next agent run"}`);
    await agent.close({ stopServices });
    // Left running, the keeper reads on; with the services stopped it exits on its own.
    await logs.close();
    await publisher?.close();
    await metricsServer?.close();
    // The pipe from vigil up would otherwise keep this process alive, and vigil up waits for its exit.
    process.stdin.destroy();
    if (typeof ended !== "string") process.exitCode = 1;
    // Services this run launched and left running are its children: their process handles would
    // hold the event loop until they exit. Everything is flushed and closed by now.
    if (!stopServices) setTimeout(() => process.exit(), 1_000).unref();
  });
}
