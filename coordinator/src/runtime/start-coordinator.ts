// Starts a coordinator on an open store and an event source: the gRPC server (AgentLink and
// Admin on one address), the HTTP Admin API if asked, event ingestion and liveness; close() undoes it.
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { AgentLinkService, type EventConsumer, type EventSource } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { adminCalls } from "../api/admin-calls.js";
import { registerAdminService } from "../api/admin-server.js";
import { startHttpApi } from "../http/start-http-api.js";
import { ControlPlane } from "../control/control-plane.js";
import { AgentReportRecorder } from "../control/record-agent-reports.js";
import { AgentLinkHub } from "../link/agent-link-hub.js";
import { type ReplicaChannel } from "../replicas/replica-channel.js";
import { ReplicaRouter } from "../replicas/replica-router.js";
import { AGENT_LINK_SERVER_OPTIONS } from "../link/keepalive.js";
import { LinkEventSource } from "../link/link-event-source.js";
import { DEFAULT_HOST_TIMEOUT_MS, LivenessMonitor } from "../liveness/liveness-monitor.js";
import { eventRetentionJob } from "../jobs/event-retention.js";
import { HostDrainer } from "../drain/host-drainer.js";
import { DEFAULT_HOST_DOWN_POLICY, type HostDownPolicy, hostDownPolicyJob } from "../drain/host-down-policy.js";
import type { CoordinatorMetrics } from "../metrics/coordinator-metrics.js";
import { SINGLETON_JOBS_LEASE_KEY, SingletonJobs } from "../jobs/singleton-jobs.js";
import { TokenSessions, type TokenSessionLimits } from "../sessions/token-sessions.js";
import { type Store } from "../store/open-store.js";
import { BusEventAuthority } from "../ingest/bus-event-authority.js";
import { type CoordinatorTls, serverCredentials } from "../tls/coordinator-tls.js";
import { refusePlaintext } from "../tls/plaintext-policy.js";

export interface CoordinatorOptions {
  readonly store: Store;
  /** Where agents' status events come from: the NATS durable consumer, the in-process bus, or agents' links. */
  readonly events: EventSource;
  /** host:port; port 0 picks a free one (see RunningCoordinator.address). */
  readonly listen: string;
  /** host:port of the HTTP/JSON Admin API (port 0 picks a free one); absent: no HTTP listener. */
  readonly httpListen?: string;
  readonly heartbeatIntervalMs?: number;
  /** How often connected hosts' revisions are compared with what they were sent (changes made elsewhere); default 5 s. */
  readonly resyncIntervalMs?: number;
  /** Silence after which a host is marked down; default 30 s. */
  readonly hostTimeoutMs?: number;
  readonly livenessCheckIntervalMs?: number;
  readonly commandTimeoutMs?: number;
  /** Events older than this are pruned by the retention job; default 30 days. */
  readonly eventRetentionMs?: number;
  /** What happens to a host down longer than a window: report, or drain (per pool); default: report after 10 minutes. */
  readonly hostDownPolicy?: HostDownPolicy;
  /** Concurrent Admin streams and calls one token may hold (defaults 16 and 64). */
  readonly tokenLimits?: Partial<TokenSessionLimits>;
  /** How often open sessions' tokens are checked for revocation; default 300 ms. */
  readonly revocationCheckMs?: number;
  /** The coordinator's log (JSON lines on stderr under `vigil coordinator`); default: the process's stderr logger. */
  readonly logger?: Logger;
  /**
   * How this replica reaches the others (NATS in distributed mode): commands for a host whose agent
   * is connected to another replica, and desired-state changes. Without it the coordinator is alone.
   */
  readonly replicas?: ReplicaChannel;
  /** Prometheus metrics (createCoordinatorMetrics from @vigil/coordinator/metrics) fed from this coordinator; none by default. */
  readonly metrics?: CoordinatorMetrics;
  /** TLS for the listener: agents then authenticate with client certificates. Without it the listener is plaintext. */
  readonly tls?: CoordinatorTls;
  /** Allows a plaintext listener on an address that is not loopback; without it such a start is refused. */
  readonly insecure?: boolean;
}

export interface RunningCoordinator {
  /** The address actually bound, host:port. */
  readonly address: string;
  readonly port: number;
  /** The HTTP Admin API's base URL, e.g. http://127.0.0.1:7466, when it was asked for. */
  readonly httpUrl: string | undefined;
  readonly control: ControlPlane;
  readonly link: AgentLinkHub;
  readonly recorder: AgentReportRecorder;
  readonly liveness: LivenessMonitor;
  /** Liveness and retention, run only while this replica holds their lease. */
  readonly jobs: SingletonJobs;
  /** Moves the accounts of draining hosts, while this replica holds the jobs' lease. */
  readonly drainer: HostDrainer;
  readonly store: Store;
  /** Checks events from NATS and counts those dropped; undefined when events come from a trusted source. */
  readonly eventAuthority: BusEventAuthority | undefined;
  /** Stops accepting, ends agent streams, stops consuming (unacked events stay on the bus). Does not close the store. */
  close(): Promise<void>;
}

export async function startCoordinator(options: CoordinatorOptions): Promise<RunningCoordinator> {
  const logger = options.logger ?? defaultLogger();
  const { store, tls } = options;
  refusePlaintext(options.listen, tls !== undefined || options.insecure === true);
  // The HTTP API is served with the same certificate as gRPC, or refused off loopback like it.
  if (options.httpListen !== undefined) refusePlaintext(options.httpListen, tls !== undefined || options.insecure === true, "http_listen");
  const sessions = new TokenSessions({
    store,
    logger,
    ...(options.tokenLimits && { limits: options.tokenLimits }),
    ...(options.revocationCheckMs !== undefined && { checkIntervalMs: options.revocationCheckMs }),
  });
  const linkEvents = options.events instanceof LinkEventSource ? options.events : undefined;
  // Link heartbeats join the recorder's batches (the recorder is made below; the hub calls this only once agents connect).
  const heardFrom = (host: string, at: Date, how: string): Promise<void> => recorder.heardFrom(host, at, how);
  const link = new AgentLinkHub({ store, logger, sessions, heardFrom, ...(linkEvents && { events: linkEvents }), ...(tls && { tls: { issuer: tls.issuer } }), ...(options.heartbeatIntervalMs !== undefined && { heartbeatIntervalMs: options.heartbeatIntervalMs }), ...(options.resyncIntervalMs !== undefined && { resyncIntervalMs: options.resyncIntervalMs }) });
  const router = options.replicas === undefined ? undefined : new ReplicaRouter(link, options.replicas, logger);
  const agents = router ?? link;
  const control = new ControlPlane({ store, agents, notifier: agents, ...(options.commandTimeoutMs !== undefined && { commandTimeoutMs: options.commandTimeoutMs }) });
  const untrusted = options.events.untrustedNames;
  const eventAuthority = untrusted === undefined ? undefined : new BusEventAuthority({ names: untrusted, logger });
  const recorder = new AgentReportRecorder({ store, notifier: agents, logger, ...(eventAuthority && { onRefused: (origin, reason) => eventAuthority.drop(origin, reason) }) });
  const liveness = new LivenessMonitor({
    store,
    logger,
    ...(options.hostTimeoutMs !== undefined && { timeoutMs: options.hostTimeoutMs }),
    ...(options.livenessCheckIntervalMs !== undefined && { checkIntervalMs: options.livenessCheckIntervalMs }),
  });
  const jobs = new SingletonJobs({
    lease: store.lease(SINGLETON_JOBS_LEASE_KEY),
    logger,
    tickMs: Math.min(1_000, options.livenessCheckIntervalMs ?? 1_000),
    jobs: [
      { name: "liveness", intervalMs: options.livenessCheckIntervalMs ?? Math.max(200, Math.floor((options.hostTimeoutMs ?? DEFAULT_HOST_TIMEOUT_MS) / 6)), run: async () => void (await liveness.check()) },
      eventRetentionJob({ store, logger, ...(options.eventRetentionMs !== undefined && { maxAgeMs: options.eventRetentionMs }) }),
      hostDownPolicyJob({ store, logger, policy: options.hostDownPolicy ?? DEFAULT_HOST_DOWN_POLICY, onDrain: () => drainer.wake() }),
    ],
  });
  // Drains run where the singleton jobs do: one replica moves accounts at a time.
  const drainer = new HostDrainer({ store, logger, notifier: agents, ackedRevision: (host) => link.ackedRevision(host), isLeader: () => jobs.leader });
  link.onAck(() => drainer.acknowledged());
  const server = new Server(AGENT_LINK_SERVER_OPTIONS);
  server.addService(AgentLinkService, link.implementation());
  const { metrics } = options;
  const adminDeps = { store, control, sessions, onDrainRequested: () => drainer.wake(), ...(tls && { caPem: tls.caPem }), ...(metrics && { onCallEnded: (method: string, code: string) => metrics.apiRequest("admin-grpc", method, code) }) };
  const calls = adminCalls(adminDeps);
  const admin = registerAdminService(server, adminDeps, calls);
  metrics?.watch({ store, link, recorder });
  let consumer: EventConsumer | undefined;
  let http: Awaited<ReturnType<typeof startHttpApi>> | undefined;
  try {
    const port = await bind(server, options.listen, tls === undefined ? ServerCredentials.createInsecure() : serverCredentials(tls));
    if (options.httpListen !== undefined) {
      http = await startHttpApi({
        calls,
        listen: options.httpListen,
        ...(tls && { tls: { certPem: tls.certPem, keyPem: tls.keyPem } }),
        ...(metrics && { onRequestEnded: (rpc: string, statusCode: number) => metrics.apiRequest("http", rpc, String(statusCode)) }),
      });
    }
    consumer = await options.events.consume(eventAuthority === undefined ? recorder.handle : eventAuthority.guard(recorder.handle));
    jobs.start();
    drainer.start();
    const host = options.listen.slice(0, options.listen.lastIndexOf(":"));
    return {
      address: `${host}:${port}`,
      port,
      httpUrl: http?.url,
      control,
      link,
      recorder,
      liveness,
      jobs,
      drainer,
      store,
      eventAuthority,
      async close() {
        await drainer.stop();
        await jobs.stop();
        await liveness.stop();
        admin.closeStreams();
        await http?.close();
        link.close();
        await router?.close();
        await new Promise<void>((resolve) => {
          // A client that never ends its call would hold a graceful shutdown forever.
          const force = setTimeout(() => server.forceShutdown(), 2_000);
          server.tryShutdown(() => (clearTimeout(force), resolve()));
        });
        await consumer?.close();
        sessions.close();
      },
    };
  } catch (error) {
    sessions.close();
    link.close();
    await router?.close();
    await http?.close();
    server.forceShutdown();
    await consumer?.close();
    throw error;
  }
}

function bind(server: Server, listen: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(listen, credentials, (error, port) => (error ? reject(new Error(`listen: cannot bind ${listen}: ${error.message}`)) : resolve(port)));
  });
}
