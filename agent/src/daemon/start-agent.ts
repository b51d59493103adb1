// Starts an agent: disk outbox -> event bus, host supervision with the real process driver and
// service logs, status reporting, and the AgentLink to the coordinator; close() stops services.
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type ChannelCredentials } from "@grpc/grpc-js";
import { type BusNames, type CompiledHostConfig, type EventPublisher, resourceLimitsToProto } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { newBootId } from "../bus/boot-id.js";
import { startHostFirewall } from "../firewall/host-firewall.js";
import { type Nftables } from "../firewall/nftables.js";
import { type HostNetworkCommands } from "../network/host-network-commands.js";
import { type HostAccountNetworks, startHostAccountNetworks } from "../network/host-account-networks.js";
import { LinuxProcessDriver } from "../driver/linux-process-driver.js";
import { type ProcessDriver } from "../driver/process-driver.js";
import { protectAgentFromOom } from "../limits/agent-oom-score.js";
import { CoordinatorLink } from "../link/coordinator-link.js";
import { LinkEventPublisher } from "../link/link-event-publisher.js";
import { type ReconnectPolicy } from "../link/reconnect-delay.js";
import type { AgentMetrics } from "../metrics/agent-metrics.js";
import { FileServiceLogFactory } from "../logs/file-service-log-factory.js";
import { LOG_NOT_WRITTEN, throttleLogErrors } from "../logs/log-error-reports.js";
import { type ServiceLogFactory } from "../logs/service-log.js";
import { DiskOutbox } from "../outbox/disk-outbox.js";
import { DesiredStateCache } from "../reconciler/desired-state-cache.js";
import { HostSupervisor } from "../reconciler/host-supervisor.js";
import { decodeDesiredState } from "../link/desired-services.js";
import { type RunAs } from "../runtime/service-environment.js";
import { StatusReporter } from "../reporting/status-reporter.js";
import { type TelemetryBus } from "../reporting/telemetry-sender.js";
import { FileServiceHistoryStore } from "../supervisor/service-history.js";
import { cgroupInstanceFor } from "../system/instance-name.js";
import { lockStateDir, type StateDirLock } from "../system/state-dir-lock.js";

export const AGENT_VERSION = "0.1.0";

export interface AgentOptions {
  /** host:port of each coordinator replica's gRPC listener, in the order the link tries them. */
  readonly coordinators: readonly string[];
  readonly hostName: string;
  readonly token: string;
  /** mTLS to the coordinator (hostLinkCredentials); default plaintext. */
  readonly linkCredentials?: ChannelCredentials;
  /** The agent's own state: outbox, launch records. Default: the host config's state directory. */
  readonly stateDir?: string;
  /** Also decides the cgroup root, the log rotation and the restart and stop behaviour. */
  readonly hostConfig: CompiledHostConfig;
  /** NatsEventPublisher in distributed mode; "link": events travel on the AgentLink stream (`vigil up`). */
  readonly publisher: EventPublisher | "link";
  readonly busNames: BusNames;
  readonly agentVersion?: string;
  /** Default: LinuxProcessDriver with launch records under the state directory, in the host config's cgroup root. */
  readonly driver?: ProcessDriver;
  /** Default: FileServiceLogFactory rotating as the host config's log_rotation says. */
  readonly logs?: ServiceLogFactory;
  readonly runAs?: RunAs;
  /** Names the agent's cgroup subtree; default: derived from the state directory, so agents with different ones never collide. */
  readonly cgroupInstance?: string;
  readonly heartbeatIntervalMs?: number;
  /** Default 30 s; 0 (the default with publisher "link") sends none. */
  readonly metricsIntervalMs?: number;
  /** Unacked events kept on disk at most; default: the host config's outbox_max_bytes. */
  readonly outboxMaxBytes?: number;
  readonly reconnect?: ReconnectPolicy;
  readonly welcomeTimeoutMs?: number;
  /** The agent's log (JSON lines on stderr under `vigil agent`); default: the process's stderr logger. */
  readonly logger?: Logger;
  /** Prometheus metrics (createAgentMetrics from @vigil/agent/metrics) fed from this agent; none by default. */
  readonly metrics?: AgentMetrics;
  /**
   * nftables of this host's network namespace (`vigil agent` passes NftCli): with it, a private
   * host's firewall is enforced in table inet vigil. Without it, none is (in-process test agents
   * share the test runner's namespace and must not touch it).
   */
  readonly nftables?: Nftables;
  /**
   * The host's network (`vigil agent` passes the real one): with it, and account_address_prefix set in
   * the host config, each account gets a network namespace of its own. Without it, none does.
   */
  readonly hostNetwork?: HostNetworkCommands;
}

export interface RunningAgent {
  readonly supervisor: HostSupervisor;
  readonly link: CoordinatorLink;
  readonly reporter: StatusReporter;
  readonly outbox: DiskOutbox;
  /** Resolves with the reason if the coordinator refuses this host's token: the agent should then close and exit non-zero. */
  readonly refused: Promise<string>;
  /** Disconnects, stops every service (their final events still go out), flushes the outbox for up to `drainMs`. */
  /**
   * Stops the agent. `stopServices` (default true): every service is stopped; false: they run on
   * (their output waits in its pipe) and the next agent run on this state directory adopts them.
   */
  close(options?: { readonly drainMs?: number; readonly stopServices?: boolean }): Promise<void>;
}

interface Supervision {
  readonly driver: ProcessDriver;
  readonly ownDriver: boolean;
  readonly supervisor: HostSupervisor;
  readonly reporter: StatusReporter;
  readonly linkRef: { current?: CoordinatorLink };
  readonly accountNetworks: HostAccountNetworks;
}

/** Driver, logs, supervision (its leftover recovery done) and reporting; on failure nothing of it keeps running. */
async function startSupervision(options: AgentOptions, outbox: DiskOutbox, telemetry: TelemetryBus, stateDir: string, agentVersion: string, logger: Logger): Promise<Supervision> {
  const { hostConfig } = options;
  const instance = options.cgroupInstance ?? cgroupInstanceFor(stateDir);
  const accountNetworks = await startHostAccountNetworks({
    prefix: hostConfig.accountAddressPrefix,
    uplink: hostConfig.accountAddressUplink,
    instance,
    commands: options.hostNetwork,
    // The network code reports in lines; they become records of the daemon's log.
    log: (line: string) => logger.info(line.replace(/^vigil agent: /, "")),
  });
  // A driver the caller passed in is the caller's to dispose of.
  const ownDriver = options.driver === undefined;
  const driver =
    options.driver ??
    new LinuxProcessDriver({
      stateDir: join(stateDir, "driver"),
      ...(hostConfig.cgroupRoot !== null && { cgroupRoot: hostConfig.cgroupRoot }),
      instance,
      allowSetuid: hostConfig.allowSetuid,
      minimumUid: hostConfig.minimumUid,
      requireLimits: hostConfig.limits.required,
    });
  const oom = protectAgentFromOom();
  if (!oom.ok) logger.warn(oom.message);
  const limits = limitsSupport(driver);
  const refused = hostConfig.limits.required && limits.mode === "none";
  logger[refused ? "error" : "info"]({ mode: limits.mode, detail: limits.detail }, `resource limits: ${limits.mode}${refused ? "; this host's configuration requires them, so it takes no services" : ""}`);
  const logs =
    options.logs ??
    new FileServiceLogFactory({
      rotateBytes: hostConfig.logRotation.maxBytes,
      keepFiles: hostConfig.logRotation.keepFiles,
      onError: throttleLogErrors((error, path) => logger.error({ path, err: error }, LOG_NOT_WRITTEN)),
    });
  const history = new FileServiceHistoryStore(join(stateDir, "services"), (error) => logger.error({ err: error }, "service history"));
  const onError = (error: unknown) => logger.error({ err: error }, "supervision");
  const { metrics } = options;
  const supervisor = new HostSupervisor({
    driver,
    logs,
    config: hostConfig,
    history,
    onError,
    ...(options.runAs && { runAs: options.runAs }),
    ...(metrics && { onLaunched: (latencyMs: number) => metrics.launched(latencyMs) }),
    ...(accountNetworks.networks && { networks: accountNetworks.networks }),
  });
  // The reporter starts before the link exists (so no event of the recovery is missed) and reads its revision later.
  const linkRef: { current?: CoordinatorLink } = {};
  const reporter = new StatusReporter({
    hostName: options.hostName,
    agentVersion,
    bootId: newBootId(),
    names: options.busNames,
    supervisor,
    sink: outbox,
    telemetry,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    // Over the link the coordinator is the only reader, and it drops process metrics: none are sampled for it.
    metricsIntervalMs: options.metricsIntervalMs ?? (options.publisher === "link" ? 0 : undefined),
    appliedRevision: () => linkRef.current?.appliedRevision ?? 0,
    logger,
  });
  metrics?.watch({ supervisor, outbox, linkConnected: () => linkRef.current?.connected === true });
  reporter.start();
  try {
    await supervisor.start();
  } catch (error) {
    // A host the agent does not supervise must not go on being reported (heartbeats would say it is up).
    // Whatever recovery adopted stays for the next start's leftover recovery, as after a crash.
    await reporter.stop().catch(() => undefined);
    if (ownDriver) await driver.dispose?.().catch(() => undefined);
    accountNetworks.stop();
    throw error;
  }
  return { driver, ownDriver, supervisor, reporter, linkRef, accountNetworks };
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const logger = options.logger ?? defaultLogger();
  const agentVersion = options.agentVersion ?? AGENT_VERSION;
  const stateDir = options.stateDir ?? options.hostConfig.stateDir;
  // The agent's files (outbox, launch records, cached desired state) are private to its user.
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  const lock = lockStateDir(stateDir, "vigil agent");
  try {
    return await startLocked(options, stateDir, logger, agentVersion, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(options: AgentOptions, stateDir: string, logger: Logger, agentVersion: string, lock: StateDirLock): Promise<RunningAgent> {
  const startedAt = performance.now();
  const linkPublisher = options.publisher === "link" ? new LinkEventPublisher() : undefined;
  const publisher = linkPublisher ?? (options.publisher as EventPublisher);
  const outbox = await DiskOutbox.open({
    dir: join(stateDir, "outbox"),
    publisher,
    maxBytes: options.outboxMaxBytes ?? options.hostConfig.outboxMaxBytes,
    logger,
  });
  // Detecting nftables runs nft twice: beside the leftover recovery, not after it.
  const firewallStarting = startHostFirewall(options.nftables, logger);
  const { driver, ownDriver, supervisor, reporter, linkRef, accountNetworks } = await startSupervision(options, outbox, publisher, stateDir, agentVersion, logger).catch(async (error: unknown) => {
    await outbox.close().catch(() => undefined);
    await (await firewallStarting).stop();
    throw error;
  });
  const firewall = await firewallStarting;
  const cache = new DesiredStateCache(stateDir);
  const initialRevision = applyCachedState(cache, supervisor, logger, startedAt, (await supervisor.start()).adoptable.length);
  let onRefused = (_message: string) => {};
  const refused = new Promise<string>((resolve) => (onRefused = resolve));
  const link = new CoordinatorLink({
    addresses: options.coordinators,
    hostName: options.hostName,
    token: options.token,
    ...(options.linkCredentials && { credentials: options.linkCredentials }),
    agentVersion,
    supervisor,
    logger,
    ...(options.reconnect && { reconnect: options.reconnect }),
    ...(options.welcomeTimeoutMs !== undefined && { welcomeTimeoutMs: options.welcomeTimeoutMs }),
    onRefused: (message) => onRefused(message),
    initialRevision,
    onApplied: (_revision, state) => {
      try {
        cache.save(state);
      } catch (error) {
        logger.error({ path: cache.path, err: error }, "could not cache the desired state");
      }
      accountNetworks.onApplied(state);
    },
    firewallSupport: firewall.support,
    limitsSupport: { ...limitsSupport(driver), accountCeiling: resourceLimitsToProto(options.hostConfig.limits.accountCeiling) },
    networkSupport: accountNetworks.support,
    onFirewall: (desired, revision) => firewall.onFirewall(desired, revision),
    onWelcome: (intervalMs) => {
      if (options.heartbeatIntervalMs === undefined && intervalMs > 0) reporter.setHeartbeatInterval(intervalMs);
      void reporter.heartbeatNow();
    },
    ...(linkPublisher && { onEventAck: (ack) => linkPublisher.acked(ack), onDisconnect: () => linkPublisher.disconnected() }),
  });
  linkRef.current = link;
  linkPublisher?.attach(link);
  link.start();
  return {
    supervisor,
    link,
    reporter,
    outbox,
    refused,
    async close({ drainMs = 5_000, stopServices = true } = {}) {
      // Events that travel on the link need it until the outbox is drained; no new state is applied meanwhile.
      link.freezeDesiredState();
      if (linkPublisher === undefined) await link.stop();
      // The table stays: the host keeps its protection while no agent runs.
      await firewall.stop();
      // Namespaces stay: a service that outlives the agent keeps its network.
      accountNetworks.stop();
      // A service that failed to stop is reported after the others' final events went out.
      const stopped = await (stopServices ? supervisor.stopAll() : supervisor.detachAll()).then(
        () => null,
        (error: unknown) => ({ error }),
      );
      await reporter.stop();
      await Promise.race([outbox.drained(), new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
      await outbox.close();
      if (linkPublisher !== undefined) await link.stop();
      try {
        if (stopped !== null) throw stopped.error;
        if (ownDriver) await driver.dispose?.();
      } finally {
        lock.release();
      }
    },
  };
}

/**
 * Runs the last desired state this host applied, before the coordinator is reached: a host that
 * boots while the coordinator is down runs what it last knew, then converges when the link is up.
 * Returns the revision applied (0: no cache) at once: the link starts while the services do (500
 * launches took seconds, and the coordinator heard nothing from the host meanwhile). States from
 * the link are planned after this one, as HostSupervisor.apply plans in call order.
 */
function applyCachedState(cache: DesiredStateCache, supervisor: HostSupervisor, logger: Logger, startedAt: number, adoptable: number): number {
  const cached = cache.load();
  if (cached === null) return 0;
  const decoded = decodeDesiredState(cached);
  for (const error of decoded.errors) logger.error({ error: error.message }, "cached desired state");
  logger.info({ revision: decoded.revision, services: decoded.services.length }, "running the cached desired state until the coordinator answers");
  void supervisor.apply(decoded.services).then(
    (result) => {
      for (const error of result.errors) logger.error({ service: error.key, error: error.message }, "cached desired state");
      // How long an agent restart leaves services unsupervised: operators (and the bench) read it here.
      const ms = Math.round(performance.now() - startedAt);
      logger.info({ services: decoded.services.length, adoptable, ms }, `cached desired state applied: ${decoded.services.length} services supervised (${adoptable} processes of the previous run to adopt) ${ms} ms after the agent's start`);
    },
    (error: unknown) => logger.error({ err: error }, "cached desired state"),
  );
  return decoded.revision;
}

/** For host information (Hello): how this agent's driver enforces limits. */
function limitsSupport(driver: ProcessDriver): { readonly mode: string; readonly detail: string } {
  return driver.limitsMode ?? { mode: "none", detail: "the process driver enforces no limits" };
}
