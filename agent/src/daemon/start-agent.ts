// Starts an agent: disk outbox -> event bus, host supervision with the real process driver and
// service logs, status reporting, and the AgentLink to the coordinator; close() stops services.
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BusNames, type CompiledHostConfig, type EventPublisher } from "@vigil/shared";
import { newBootId } from "../bus/boot-id.js";
import { startHostFirewall } from "../firewall/host-firewall.js";
import { type Nftables } from "../firewall/nftables.js";
import { LinuxProcessDriver } from "../driver/linux-process-driver.js";
import { type ProcessDriver } from "../driver/process-driver.js";
import { CoordinatorLink } from "../link/coordinator-link.js";
import { LinkEventPublisher } from "../link/link-event-publisher.js";
import { type ReconnectPolicy } from "../link/reconnect-delay.js";
import { FileServiceLogFactory } from "../logs/file-service-log-factory.js";
import { type ServiceLogFactory } from "../logs/service-log.js";
import { DiskOutbox } from "../outbox/disk-outbox.js";
import { HostSupervisor } from "../reconciler/host-supervisor.js";
import { type RunAs } from "../runtime/service-environment.js";
import { StatusReporter } from "../reporting/status-reporter.js";
import { cgroupInstanceFor } from "../system/instance-name.js";
import { lockStateDir, type StateDirLock } from "../system/state-dir-lock.js";

export const AGENT_VERSION = "0.1.0";

export interface AgentOptions {
  /** host:port of the coordinator's gRPC listener. */
  readonly coordinator: string;
  readonly hostName: string;
  readonly token: string;
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
  readonly metricsIntervalMs?: number;
  readonly reconnect?: ReconnectPolicy;
  readonly log?: (line: string) => void;
  /**
   * nftables of this host's network namespace (`vigil agent` passes NftCli): with it, a private
   * host's firewall is enforced in table inet vigil. Without it, none is (in-process test agents
   * share the test runner's namespace and must not touch it).
   */
  readonly nftables?: Nftables;
}

export interface RunningAgent {
  readonly supervisor: HostSupervisor;
  readonly link: CoordinatorLink;
  readonly reporter: StatusReporter;
  readonly outbox: DiskOutbox;
  /** Disconnects, stops every service (their final events still go out), flushes the outbox for up to `drainMs`. */
  close(drainMs?: number): Promise<void>;
}

/** A full disk fails every batch of every service: one line per log file and minute is enough. */
const LOG_ERROR_REPORT_INTERVAL_MS = 60_000;

function reportLogErrors(log: (line: string) => void): (error: Error, path: string) => void {
  const lastReported = new Map<string, number>();
  return (error, path) => {
    const now = Date.now();
    if (now - (lastReported.get(path) ?? -Infinity) < LOG_ERROR_REPORT_INTERVAL_MS) return;
    lastReported.set(path, now);
    log(`service log ${path}: ${error.message} (lines of that write were dropped; repeats within a minute are not reported)`);
  };
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const log = options.log ?? ((line: string) => console.error(line));
  const agentVersion = options.agentVersion ?? AGENT_VERSION;
  const { hostConfig } = options;
  const stateDir = options.stateDir ?? hostConfig.stateDir;
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  const lock = lockStateDir(stateDir, "vigil agent");
  try {
    return await startLocked(options, stateDir, log, agentVersion, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(options: AgentOptions, stateDir: string, log: (line: string) => void, agentVersion: string, lock: StateDirLock): Promise<RunningAgent> {
  const { hostConfig } = options;
  const linkPublisher = options.publisher === "link" ? new LinkEventPublisher() : undefined;
  const outbox = await DiskOutbox.open({ dir: join(stateDir, "outbox"), publisher: linkPublisher ?? (options.publisher as EventPublisher) });
  // A driver the caller passed in is the caller's to dispose of.
  const ownDriver = options.driver === undefined;
  const driver =
    options.driver ??
    new LinuxProcessDriver({
      stateDir: join(stateDir, "driver"),
      ...(hostConfig.cgroupRoot !== null && { cgroupRoot: hostConfig.cgroupRoot }),
      instance: options.cgroupInstance ?? cgroupInstanceFor(stateDir),
    });
  const logs =
    options.logs ??
    new FileServiceLogFactory({
      rotateBytes: hostConfig.logRotation.maxBytes,
      keepFiles: hostConfig.logRotation.keepFiles,
      onError: reportLogErrors(log),
    });
  const supervisor = new HostSupervisor({ driver, logs, config: hostConfig, ...(options.runAs && { runAs: options.runAs }) });
  // The reporter starts before the link exists (so no event of the recovery is missed) and reads its revision later.
  const linkRef: { current?: CoordinatorLink } = {};
  const reporter = new StatusReporter({
    hostName: options.hostName,
    agentVersion,
    bootId: newBootId(),
    names: options.busNames,
    supervisor,
    sink: outbox,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    metricsIntervalMs: options.metricsIntervalMs,
    appliedRevision: () => linkRef.current?.appliedRevision ?? 0,
    log,
  });
  reporter.start();
  await supervisor.start();
  const firewall = await startHostFirewall(options.nftables, log);
  const link = new CoordinatorLink({
    address: options.coordinator,
    hostName: options.hostName,
    token: options.token,
    agentVersion,
    supervisor,
    log,
    ...(options.reconnect && { reconnect: options.reconnect }),
    firewallSupport: firewall.support,
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
    async close(drainMs = 5_000) {
      // Events that travel on the link need it until the outbox is drained; no new state is applied meanwhile.
      link.freezeDesiredState();
      if (linkPublisher === undefined) await link.stop();
      // The table stays: the host keeps its protection while no agent runs.
      await firewall.stop();
      // A service that failed to stop is reported after the others' final events went out.
      const stopped = await supervisor.stopAll().then(
        () => null,
        (error: unknown) => ({ error }),
      );
      await reporter.stop();
      await Promise.race([outbox.drained(), new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
      await outbox.close();
      if (linkPublisher !== undefined) await link.stop();
      lock.release();
      if (stopped !== null) throw stopped.error;
      if (ownDriver) await driver.dispose?.();
    },
  };
}
