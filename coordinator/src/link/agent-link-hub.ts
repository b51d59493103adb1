// The AgentLink server: authenticates each agent's Hello, registers its host, sends the host's
// full desired state (again whenever it changes), and carries imperative commands to agents.
import { type ServerDuplexStream, status as GrpcStatus, type ServerErrorResponse, type ServiceError } from "@grpc/grpc-js";
import { type AgentLinkServer, type AgentMessage, type CommandResult, type CoordinatorMessage, formatFieldError, type Hello, type StateAck } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { findUnstorableString } from "../store/storable-strings.js";
import { type AgentAction, type AgentCommands, type DesiredStateNotifier } from "../control/control-ports.js";
import { HostUnavailableError } from "../control/control-errors.js";
import { TokenSessions } from "../sessions/token-sessions.js";
import { databaseUnavailableMessage, databaseUnavailableReason, innermostMessage } from "../store/database-unavailable.js";
import { type Store } from "../store/open-store.js";
import { getHostRevisions } from "../store/repositories/desired-state.js";
import { hostHeardFrom } from "../liveness/host-transitions.js";
import { type LinkPeer } from "./authenticate-hello.js";
import { DesiredStatePusher } from "./desired-state-pusher.js";
import { HelloRegistrar } from "./hello-registrar.js";
import { answerCertificateRequest, type LinkTls } from "./certificate-requests.js";
import { peerHostIdentity } from "../tls/host-certificates.js";
import { AgentSession } from "./agent-session.js";
import { type LinkEventSource } from "./link-event-source.js";

export interface AgentLinkHubOptions {
  readonly store: Store;
  /** How often agents publish heartbeats (told in Welcome); default 10 s. */
  readonly heartbeatIntervalMs?: number;
  /** An agent that sends no Hello within this time is dropped; default 10 s. */
  readonly helloTimeoutMs?: number;
  /** Connected hosts' revisions are compared with what they were sent this often, catching changes made elsewhere; default 5 s. */
  readonly resyncIntervalMs?: number;
  /** Ends an agent's stream when its token is revoked; default: the hub's own. */
  readonly sessions?: TokenSessions;
  readonly logger?: Logger;
  /** Takes status events sent on the link (embedded mode); without it such events are refused. */
  readonly events?: LinkEventSource;
  /** Records that a host's agent was heard from (its link heartbeat); default: one write per heartbeat. */
  readonly heardFrom?: (host: string, at: Date, how: string) => Promise<void>;
  /** Set when the listener is TLS: agents then authenticate with client certificates, and bootstrap tokens can be exchanged for them. */
  readonly tls?: LinkTls;
}

/** Paths of agent messages that never reach the store: what a tenant's service wrote, on its way to a client. */
const PASSED_THROUGH = /^command_result\.(log_lines|processes|error_message)\b/;

export type AckListener = (host: string, ack: StateAck) => void;
export type SessionListener = (host: string, connected: boolean) => void;

export class AgentLinkHub implements AgentCommands, DesiredStateNotifier {
  readonly #store: Store;
  readonly #heartbeatIntervalMs: number;
  readonly #helloTimeoutMs: number;
  readonly #logger: Logger;
  readonly #events: LinkEventSource | undefined;
  readonly #tls: LinkTls | undefined;
  readonly #heardFrom: (host: string, at: Date, how: string) => Promise<void>;
  readonly #sessions = new Map<string, AgentSession>();
  readonly #ackListeners = new Set<AckListener>();
  readonly #sessionListeners = new Set<SessionListener>();
  readonly #resync: NodeJS.Timeout;
  readonly #tokenSessions: TokenSessions;
  readonly #ownTokenSessions: boolean;
  readonly #registrar: HelloRegistrar;
  readonly #pusher: DesiredStatePusher;

  constructor(options: AgentLinkHubOptions) {
    this.#store = options.store;
    this.#ownTokenSessions = options.sessions === undefined;
    this.#tokenSessions = options.sessions ?? new TokenSessions({ store: options.store, ...(options.logger && { logger: options.logger }) });
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs ?? 10_000;
    this.#helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
    this.#logger = options.logger ?? defaultLogger();
    this.#events = options.events;
    this.#tls = options.tls;
    this.#registrar = new HelloRegistrar(options.store);
    this.#pusher = new DesiredStatePusher(options.store, this.#logger);
    this.#heardFrom = options.heardFrom ?? ((host, at, how) => hostHeardFrom(this.#store.db, host, at, how));
    this.#resync = setInterval(() => void this.#resyncAll(), options.resyncIntervalMs ?? 5_000);
    this.#resync.unref();
  }

  /** The gRPC implementation to add to a server with AgentLinkService. */
  implementation(): AgentLinkServer {
    return {
      connect: (call) => this.#accept(call),
      requestHostCertificate: (call, callback) =>
        void answerCertificateRequest(this.#store.db, this.#tls, call.request).then(
          (response) => callback(null, response),
          (error: ServiceError) => {
            this.#logger.warn({ host: call.request.hostName, reason: error.details }, "certificate request refused");
            callback(error);
          },
        ),
    };
  }

  isConnected(host: string): boolean {
    return this.#sessions.has(host);
  }

  connectedHosts(): string[] {
    return [...this.#sessions.keys()].sort();
  }

  /** The revision the host's agent last acknowledged in this connection; undefined when not connected. */
  ackedRevision(host: string): number | undefined {
    return this.#sessions.get(host)?.ackedRevision;
  }

  /** Told whenever a host's session opens (true) or ends (false) on this replica. */
  onSessionChange(listener: SessionListener): () => void {
    this.#sessionListeners.add(listener);
    return () => this.#sessionListeners.delete(listener);
  }

  onAck(listener: AckListener): () => void {
    this.#ackListeners.add(listener);
    return () => this.#ackListeners.delete(listener);
  }

  send(host: string, action: AgentAction, timeoutMs: number): Promise<CommandResult> {
    const session = this.#sessions.get(host);
    if (session === undefined) return Promise.reject(new HostUnavailableError(host, "command"));
    return session.command(action, timeoutMs);
  }

  hostsChanged(hosts: Iterable<string | null>): void {
    for (const host of new Set(hosts)) {
      const session = host === null ? undefined : this.#sessions.get(host);
      if (session !== undefined) void this.#pusher.push(session);
    }
  }

  /** Ends every agent's stream (they reconnect to the next coordinator). */
  close(): void {
    clearInterval(this.#resync);
    if (this.#ownTokenSessions) this.#tokenSessions.close();
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
  }

  #peer(call: ServerDuplexStream<AgentMessage, CoordinatorMessage>): LinkPeer {
    return this.#tls === undefined ? "plaintext" : peerHostIdentity(call);
  }

  #accept(call: ServerDuplexStream<AgentMessage, CoordinatorMessage>): void {
    let session: AgentSession | undefined;
    let ended = false;
    let release = () => {};
    const helloTimer = setTimeout(() => refuse(call, GrpcStatus.DEADLINE_EXCEEDED, "no Hello received in time"), this.#helloTimeoutMs);
    const gone = () => {
      ended = true;
      clearTimeout(helloTimer);
      release();
      if (session === undefined) return;
      session.close();
      this.#forget(session);
    };
    let chain = Promise.resolve();
    call.on("data", (message: AgentMessage) => {
      // Messages are handled in order: a Hello must be done before its acks and results count.
      chain = chain
        .then(async () => {
          if (ended || session?.closed) return;
          const unstorable = findUnstorableString(message, (path) => PASSED_THROUGH.test(path));
          if (unstorable !== null) return refuse(call, GrpcStatus.INVALID_ARGUMENT, formatFieldError(unstorable));
          const body = message.body;
          if (session !== undefined) return this.#handle(session, message);
          if (body?.$case !== "hello") return refuse(call, GrpcStatus.FAILED_PRECONDITION, "the first message must be a Hello");
          clearTimeout(helloTimer);
          const opened = await this.#hello(call, body.value).catch((error: unknown) => {
            // No session: the agent must not wait for a Welcome that never comes; it redials.
            const unavailable = databaseUnavailableReason(error);
            this.#logger.warn({ host: body.value.hostName, error: innermostMessage(error) }, "agent link: Hello failed");
            refuse(call, GrpcStatus.UNAVAILABLE, unavailable === undefined ? "hello: the coordinator could not register the host; try again" : databaseUnavailableMessage(unavailable));
            return undefined;
          });
          if (opened === undefined) return;
          if (ended) return this.#end(opened.session, opened.release);
          session = opened.session;
          release = opened.release;
          await this.#pusher.push(session);
        })
        .catch((error: unknown) => this.#logger.error({ error: innermostMessage(error) }, "agent link failed"));
    });
    call.on("end", gone);
    call.on("error", gone);
    call.on("cancelled", gone);
    call.on("close", gone);
  }

  /** A session whose stream ended while its Hello was still being handled. */
  #end(session: AgentSession, release: () => void): void {
    release();
    session.close();
    this.#forget(session);
  }

  #forget(session: AgentSession): void {
    if (this.#sessions.get(session.host) !== session) return;
    this.#sessions.delete(session.host);
    for (const listener of this.#sessionListeners) listener(session.host, false);
  }

  async #hello(call: ServerDuplexStream<AgentMessage, CoordinatorMessage>, hello: Hello): Promise<{ session: AgentSession; release: () => void } | undefined> {
    // The host's live agent keeps its session: a second one (a copy of the token elsewhere, or a
    // restarted agent whose old stream is not yet known dead: keepalive tells within ~6 s) waits.
    const held = (host: string) => {
      const current = this.#sessions.get(host);
      return current !== undefined && !current.closed;
    };
    const refuseSecond = (host: string) => {
      this.#logger.warn({ host }, "refused a second agent connection while one is connected");
      refuse(call, GrpcStatus.ALREADY_EXISTS, `host_name: host ${host} already has a connected agent; a second connection is refused until that one ends`);
      return undefined;
    };
    const outcome = await this.#registrar.register({ hello, peer: this.#peer(call), held });
    if (outcome.kind === "refused") {
      refuse(call, GrpcStatus.UNAUTHENTICATED, outcome.message);
      return undefined;
    }
    // Checked again: another Hello of the host may have opened its session while this one was recorded.
    if (outcome.kind === "held" || held(outcome.host)) return refuseSecond(outcome.host);
    const session = new AgentSession(outcome.host, call);
    this.#sessions.set(outcome.host, session);
    for (const listener of this.#sessionListeners) listener(outcome.host, true);
    const release = outcome.tokenId === null ? () => {} : this.#tokenSessions.hold(outcome.tokenId, "agent", (reason) => refuse(call, GrpcStatus.UNAUTHENTICATED, reason));
    session.write({ body: { $case: "welcome", value: { hostName: outcome.host, heartbeatIntervalMs: this.#heartbeatIntervalMs } } });
    const nftables = hello.firewall === undefined ? "not reported" : hello.firewall.nftables ? `nftables ${hello.firewall.version}` : `no usable nftables: ${hello.firewall.detail}`;
    this.#logger.info({ host: outcome.host, agentVersion: hello.agentVersion || "?", running: hello.running.length, appliedRevision: hello.appliedRevision, firewall: nftables, network: describeNetwork(hello) }, "host connected");
    return { session, release };
  }

  async #handle(session: AgentSession, message: AgentMessage): Promise<void> {
    const body = message.body;
    switch (body?.$case) {
      case "stateAck":
        session.ackedRevision = Math.max(session.ackedRevision, body.value.revision);
        for (const error of body.value.errors) this.#logger.warn({ host: session.host, account: error.service?.account, service: error.service?.name, error: error.message }, "host could not apply a service");
        for (const listener of this.#ackListeners) listener(session.host, body.value);
        return;
      case "commandResult":
        session.resolveCommand(body.value);
        return;
      case "heartbeat":
        await this.#heardFrom(session.host, new Date(), "heartbeat on the link");
        return;
      case "eventPublish": {
        // Not awaited: the host's next events join the same batch instead of waiting for this one's
        // commit. They are recorded in the order they arrived (the batcher keeps it) and each is acked
        // after its commit.
        const event = body.value;
        const outcome = this.#events === undefined ? Promise.resolve({ ok: false as const, message: "this coordinator takes status events from NATS, not on the link" }) : this.#events.deliver(session.host, event);
        void outcome.then((done) => session.write({ body: { $case: "eventAck", value: { messageId: event.messageId, ok: done.ok, errorMessage: done.ok ? "" : done.message } } }));
        return;
      }
      case "hello":
        this.#logger.warn({ host: session.host }, "host sent a second Hello; ignored");
        return;
      case undefined:
        return;
    }
  }

  /** One query for every connected host (not one per host: 1,000 hosts every 5 s would be 200 queries a second). */
  async #resyncAll(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    const revisions = await getHostRevisions(this.#store.db, sessions.map((session) => session.host)).catch(() => new Map<string, number>());
    for (const session of sessions) {
      const revision = revisions.get(session.host);
      if (revision !== undefined && revision > session.sentRevision) void this.#pusher.push(session);
    }
  }
}

function refuse(call: ServerDuplexStream<AgentMessage, CoordinatorMessage>, code: GrpcStatus, details: string): void {
  const error: ServerErrorResponse = Object.assign(new Error(details), { code, details });
  call.emit("error", error);
}

/** What the Hello says about account namespaces, for the connect line. */
function describeNetwork(hello: Hello): string {
  const network = hello.network;
  if (network === undefined || network.accountAddressPrefix === "") return "accounts share the host's network";
  if (!network.namespaces) return `account namespaces asked for (${network.accountAddressPrefix}) but unusable: ${network.detail}; this host takes no services`;
  return `account namespaces from ${network.accountAddressPrefix}`;
}
