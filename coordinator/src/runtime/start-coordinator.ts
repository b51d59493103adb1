// Starts a coordinator on an open store and an event source: the gRPC server (AgentLink and
// Admin on one address), the application layer, event ingestion and liveness; close() undoes it.
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { AgentLinkService, type EventConsumer, type EventSource } from "@vigil/shared";
import { registerAdminService } from "../api/admin-server.js";
import { ControlPlane } from "../control/control-plane.js";
import { AgentReportRecorder } from "../control/record-agent-reports.js";
import { AgentLinkHub } from "../link/agent-link-hub.js";
import { AGENT_LINK_SERVER_OPTIONS } from "../link/keepalive.js";
import { LinkEventSource } from "../link/link-event-source.js";
import { DEFAULT_HOST_TIMEOUT_MS, LivenessMonitor } from "../liveness/liveness-monitor.js";
import { eventRetentionJob } from "../jobs/event-retention.js";
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
  readonly heartbeatIntervalMs?: number;
  /** Silence after which a host is marked down; default 30 s. */
  readonly hostTimeoutMs?: number;
  readonly livenessCheckIntervalMs?: number;
  readonly commandTimeoutMs?: number;
  /** Events older than this are pruned by the retention job; default 30 days. */
  readonly eventRetentionMs?: number;
  /** Concurrent Admin streams and calls one token may hold (defaults 16 and 64). */
  readonly tokenLimits?: Partial<TokenSessionLimits>;
  /** How often open sessions' tokens are checked for revocation; default 300 ms. */
  readonly revocationCheckMs?: number;
  readonly log?: (line: string) => void;
  /** TLS for the listener: agents then authenticate with client certificates. Without it the listener is plaintext. */
  readonly tls?: CoordinatorTls;
  /** Allows a plaintext listener on an address that is not loopback; without it such a start is refused. */
  readonly insecure?: boolean;
}

export interface RunningCoordinator {
  /** The address actually bound, host:port. */
  readonly address: string;
  readonly port: number;
  readonly control: ControlPlane;
  readonly link: AgentLinkHub;
  readonly recorder: AgentReportRecorder;
  readonly liveness: LivenessMonitor;
  /** Liveness and retention, run only while this replica holds their lease. */
  readonly jobs: SingletonJobs;
  readonly store: Store;
  /** Checks events from NATS and counts those dropped; undefined when events come from a trusted source. */
  readonly eventAuthority: BusEventAuthority | undefined;
  /** Stops accepting, ends agent streams, stops consuming (unacked events stay on the bus). Does not close the store. */
  close(): Promise<void>;
}

export async function startCoordinator(options: CoordinatorOptions): Promise<RunningCoordinator> {
  const log = options.log ?? ((line: string) => console.error(line));
  const { store, tls } = options;
  refusePlaintext(options.listen, tls !== undefined || options.insecure === true);
  const sessions = new TokenSessions({
    store,
    log,
    ...(options.tokenLimits && { limits: options.tokenLimits }),
    ...(options.revocationCheckMs !== undefined && { checkIntervalMs: options.revocationCheckMs }),
  });
  const linkEvents = options.events instanceof LinkEventSource ? options.events : undefined;
  const link = new AgentLinkHub({ store, log, sessions, ...(linkEvents && { events: linkEvents }), ...(tls && { tls: { issuer: tls.issuer } }), ...(options.heartbeatIntervalMs !== undefined && { heartbeatIntervalMs: options.heartbeatIntervalMs }) });
  const control = new ControlPlane({ store, agents: link, notifier: link, ...(options.commandTimeoutMs !== undefined && { commandTimeoutMs: options.commandTimeoutMs }) });
  const recorder = new AgentReportRecorder({ store, notifier: link, log });
  const liveness = new LivenessMonitor({
    store,
    log,
    ...(options.hostTimeoutMs !== undefined && { timeoutMs: options.hostTimeoutMs }),
    ...(options.livenessCheckIntervalMs !== undefined && { checkIntervalMs: options.livenessCheckIntervalMs }),
  });
  const jobs = new SingletonJobs({
    lease: store.lease(SINGLETON_JOBS_LEASE_KEY),
    log,
    tickMs: Math.min(1_000, options.livenessCheckIntervalMs ?? 1_000),
    jobs: [
      { name: "liveness", intervalMs: options.livenessCheckIntervalMs ?? Math.max(200, Math.floor((options.hostTimeoutMs ?? DEFAULT_HOST_TIMEOUT_MS) / 6)), run: async () => void (await liveness.check()) },
      eventRetentionJob({ store, log, ...(options.eventRetentionMs !== undefined && { maxAgeMs: options.eventRetentionMs }) }),
    ],
  });
  const untrusted = options.events.untrustedNames;
  const eventAuthority = untrusted === undefined ? undefined : new BusEventAuthority({ names: untrusted, store, log });
  const server = new Server(AGENT_LINK_SERVER_OPTIONS);
  server.addService(AgentLinkService, link.implementation());
  const admin = registerAdminService(server, { store, control, sessions, ...(tls && { caPem: tls.caPem }) });
  let consumer: EventConsumer | undefined;
  try {
    const port = await bind(server, options.listen, tls === undefined ? ServerCredentials.createInsecure() : serverCredentials(tls));
    consumer = await options.events.consume(eventAuthority === undefined ? recorder.handle : eventAuthority.guard(recorder.handle));
    jobs.start();
    const host = options.listen.slice(0, options.listen.lastIndexOf(":"));
    return {
      address: `${host}:${port}`,
      port,
      control,
      link,
      recorder,
      liveness,
      jobs,
      store,
      eventAuthority,
      async close() {
        await jobs.stop();
        await liveness.stop();
        admin.closeStreams();
        link.close();
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
