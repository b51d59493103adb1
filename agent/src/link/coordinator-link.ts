// The agent's side of AgentLink: dials a coordinator, says Hello (what it runs, the revision it
// applied), applies each full desired state and acknowledges it, answers commands, and redials until
// its token is refused: the next replica's address at once, backoff once all failed (reconnect-delay.ts).
// While disconnected, supervision carries on untouched.
import { type ChannelCredentials, type ClientDuplexStream, credentials, status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import { type AgentMessage, AgentLinkClient, type CoordinatorMessage, type DesiredState, type EventAck, type EventPublish, type FirewallSupport, type LimitsSupport, type HostCapacity, type HostFirewall, type NetworkSupport } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { decodeDesiredState } from "./desired-services.js";
import { executeCommand } from "./execute-command.js";
import { AGENT_LINK_CLIENT_OPTIONS } from "./keepalive.js";
import { type LinkSupervisor } from "./link-supervisor.js";
import { isRefusal } from "./link-refusal.js";
import { DEFAULT_RECONNECT_POLICY, FIRST_DIAL, nextDial, type ReconnectPolicy } from "./reconnect-delay.js";

export const LINK_STATES = ["connecting", "connected", "waiting", "refused", "stopped"] as const;
/** connecting: dialled, no Welcome yet; waiting: between attempts; refused: the coordinator refused our token (no more dialling); stopped: stop() was called. */
export type LinkState = (typeof LINK_STATES)[number];

/** A Welcome normally follows the Hello within milliseconds; a coordinator silent this long is redialled. */
export const DEFAULT_WELCOME_TIMEOUT_MS = 15_000;

export interface CoordinatorLinkOptions {
  /** host:port of each coordinator replica's gRPC listener, tried in this order (at least one). */
  readonly addresses: readonly string[];
  readonly hostName: string;
  readonly token: string;
  /** mTLS with the host's certificate (hostLinkCredentials); default plaintext, for loopback and --insecure. */
  readonly credentials?: ChannelCredentials;
  readonly agentVersion: string;
  readonly supervisor: LinkSupervisor;
  readonly capacity?: HostCapacity;
  readonly reconnect?: ReconnectPolicy;
  readonly random?: () => number;
  readonly logger?: Logger;
  /** Told after each desired state was applied (the revision acknowledged), with the message itself. */
  readonly onApplied?: (revision: number, state: DesiredState) => void;
  /** The revision already applied before this link started (from the agent's desired-state cache). */
  readonly initialRevision?: number;
  /** Told the heartbeat interval the coordinator asked for, on every Welcome. */
  readonly onWelcome?: (heartbeatIntervalMs: number) => void;
  /** Told every EventAck (events sent on the link, embedded mode). */
  readonly onEventAck?: (ack: EventAck) => void;
  /** Told when a stream ends, welcomed or not. */
  readonly onDisconnect?: () => void;
  /** Told once when the coordinator refuses the token (UNAUTHENTICATED, PERMISSION_DENIED): the link stops dialling. */
  readonly onRefused?: (message: string) => void;
  /** Give up on a connection that has no Welcome after this long, and redial; default 15 s. */
  readonly welcomeTimeoutMs?: number;
  /** What the agent found out about nftables at start, told in every Hello. */
  readonly firewallSupport?: FirewallSupport;
  /** How this host enforces resource limits, for host information. */
  readonly limitsSupport?: LimitsSupport;
  /** Whether accounts get network namespaces here (and from which prefix), told in every Hello. */
  readonly networkSupport?: NetworkSupport;
  /**
   * Told each desired state's firewall (undefined: the host is not filtered) as soon as it arrives,
   * not after the services were applied, so a rule change takes effect even while services start.
   */
  readonly onFirewall?: (firewall: HostFirewall | undefined, revision: number) => void;
}

export class CoordinatorLink {
  readonly #options: CoordinatorLinkOptions;
  /**
   * One client per address, all made at start (a channel connects only when first used): a replica's
   * channel backoff never delays dialling another, and failing over does no set-up work of its own.
   */
  readonly #clients = new Map<string, AgentLinkClient>();
  #address: string;
  #state: LinkState = "waiting";
  #appliedRevision = 0;
  #call: ClientDuplexStream<AgentMessage, CoordinatorMessage> | undefined;
  #ignoreDesiredStates = false;
  #applying: Promise<void> = Promise.resolve();
  #latest: DesiredState | undefined;
  #wakeUp: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: CoordinatorLinkOptions) {
    this.#options = options;
    this.#appliedRevision = options.initialRevision ?? 0;
    if (options.addresses.length === 0) throw new Error("addresses: at least one coordinator address is required");
    this.#address = options.addresses[0]!;
    for (const address of options.addresses) this.#client(address);
  }

  /** The coordinator address connected to, or dialled next. */
  get address(): string {
    return this.#address;
  }

  get state(): LinkState {
    return this.#state;
  }

  get connected(): boolean {
    return this.#state === "connected";
  }

  /** The revision of the last desired state applied (0 before the first). */
  get appliedRevision(): number {
    return this.#appliedRevision;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Sends a status event on the open stream; false when there is none (the outbox retries later). */
  sendEvent(event: EventPublish): boolean {
    const call = this.#call;
    if (this.#state !== "connected" || call === undefined || call.writableEnded || call.destroyed) return false;
    write(call, { body: { $case: "eventPublish", value: event } });
    return true;
  }

  /** Keeps the stream (so final events still go out) but applies no further desired state: the agent is shutting down. */
  freezeDesiredState(): void {
    this.#ignoreDesiredStates = true;
  }

  /** Closes the stream and stops redialling; supervision is not touched. */
  async stop(): Promise<void> {
    this.#state = "stopped";
    this.#call?.cancel();
    this.#wakeUp?.();
    await this.#running;
    await this.#applying;
    for (const client of this.#clients.values()) client.close();
  }

  async #run(): Promise<void> {
    const addresses = this.#options.addresses;
    let dial = FIRST_DIAL;
    while (!this.#stopped()) {
      this.#address = addresses[dial.index]!;
      const welcomed = await this.#connectOnce(this.#address);
      if (this.#stopped()) break;
      if (this.#state === "refused") return;
      const next = nextDial(this.#options.reconnect ?? DEFAULT_RECONNECT_POLICY, addresses.length, dial, welcomed, (this.#options.random ?? Math.random)());
      if (addresses.length > 1) this.#logger().info({ from: this.#address, to: addresses[next.state.index], delayMs: next.delayMs, allFailed: next.state.failedInRound === 0 }, "dialling the next coordinator");
      dial = next.state;
      this.#state = "waiting";
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, next.delayMs);
        this.#wakeUp = () => (clearTimeout(timer), resolve());
      });
    }
  }

  #client(address: string): AgentLinkClient {
    let client = this.#clients.get(address);
    if (client === undefined) {
      client = new AgentLinkClient(address, this.#options.credentials ?? credentials.createInsecure(), AGENT_LINK_CLIENT_OPTIONS);
      this.#clients.set(address, client);
    }
    return client;
  }

  /** One connection, from dial to the end of the stream; true if the coordinator welcomed us. */
  async #connectOnce(address: string): Promise<boolean> {
    this.#state = "connecting";
    const running = await this.#options.supervisor.status().catch(() => []);
    return new Promise<boolean>((resolve) => {
      let welcomed = false;
      const call = this.#client(address).connect();
      this.#call = call;
      const welcomeTimeoutMs = this.#options.welcomeTimeoutMs ?? DEFAULT_WELCOME_TIMEOUT_MS;
      // A coordinator that took the Hello and never answers (stuck on its database) must not hold us forever.
      const welcomeTimer = setTimeout(() => {
        this.#logger().warn(`no Welcome within ${welcomeTimeoutMs} ms; redialling`);
        call.cancel();
      }, welcomeTimeoutMs);
      const finish = () => {
        clearTimeout(welcomeTimer);
        clearInterval(this.#heartbeat);
        if (this.#call === call) this.#call = undefined;
        this.#options.onDisconnect?.();
        resolve(welcomed);
      };
      call.on("data", (message: CoordinatorMessage) => {
        if (this.#stopped()) return;
        if (message.body?.$case === "welcome") {
          clearTimeout(welcomeTimer);
          welcomed = true;
          this.#state = "connected";
          this.#logger().info({ coordinator: address }, "connected to the coordinator");
          this.#startHeartbeat(call, message.body.value.heartbeatIntervalMs);
          this.#options.onWelcome?.(message.body.value.heartbeatIntervalMs);
        }
        this.#handle(call, message);
      });
      call.on("error", (error: ServiceError) => {
        if (this.#stopped() || error.code === GrpcStatus.CANCELLED) return finish();
        if (isRefusal(error.code)) {
          this.#state = "refused";
          const message = `the coordinator refused this host's token (${GrpcStatus[error.code]}): ${error.details}`;
          this.#logger().error(message);
          this.#options.onRefused?.(message);
        } else this.#logger().warn({ coordinator: address }, `link lost: ${error.details || error.message}`);
        finish();
      });
      call.on("end", finish);
      call.write({
        body: {
          $case: "hello",
          value: {
            hostName: this.#options.hostName,
            token: this.#options.token,
            agentVersion: this.#options.agentVersion,
            capacity: this.#options.capacity ?? { maxServices: 0, cpus: 0, memoryBytes: 0 },
            running: running.map((service) => ({ service: { account: service.account, name: service.service }, state: service.state, mainPid: service.mainPid ?? 0, specHash: service.launchFingerprint })),
            appliedRevision: this.#appliedRevision,
            firewall: this.#options.firewallSupport,
            limits: this.#options.limitsSupport,
            network: this.#options.networkSupport,
          },
        },
      });
    });
  }

  #handle(call: ClientDuplexStream<AgentMessage, CoordinatorMessage>, message: CoordinatorMessage): void {
    const body = message.body;
    if (body?.$case === "desiredState") {
      if (this.#ignoreDesiredStates) return;
      this.#options.onFirewall?.(body.value.firewall, body.value.revision);
      this.#queueApply(call, body.value);
    } else if (body?.$case === "eventAck") this.#options.onEventAck?.(body.value);
    else if (body?.$case === "command") {
      void executeCommand(this.#options.supervisor, body.value, Date.now()).then((result) => write(call, { body: { $case: "commandResult", value: result } }));
    }
  }

  /** Applies run one at a time; states that arrive meanwhile collapse into the latest (level-triggered). */
  #queueApply(call: ClientDuplexStream<AgentMessage, CoordinatorMessage>, state: DesiredState): void {
    const pending = this.#latest !== undefined;
    this.#latest = state;
    if (pending) return;
    this.#applying = this.#applying.then(async () => {
      const next = this.#latest;
      this.#latest = undefined;
      if (next === undefined) return;
      const decoded = decodeDesiredState(next);
      const result = await this.#options.supervisor.apply(decoded.services).catch((error: unknown) => ({ errors: [{ key: "*/*", message: String(error) }] }));
      const errors = [...decoded.errors, ...result.errors.map((error) => ({ service: refOf(error.key), message: error.message }))];
      this.#appliedRevision = Math.max(this.#appliedRevision, decoded.revision);
      write(call, { body: { $case: "stateAck", value: { revision: decoded.revision, errors } } });
      this.#options.onApplied?.(decoded.revision, next);
    });
  }

  #startHeartbeat(call: ClientDuplexStream<AgentMessage, CoordinatorMessage>, intervalMs: number): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => write(call, { body: { $case: "heartbeat", value: { atMs: Date.now() } } }), Math.max(1_000, intervalMs || 10_000));
    this.#heartbeat.unref();
  }

  #stopped(): boolean {
    return this.#state === "stopped";
  }

  #logger(): Logger {
    return this.#options.logger ?? defaultLogger();
  }
}

/** A write to a stream that just ended is harmless: the next connection resends the full state. */
function write(call: ClientDuplexStream<AgentMessage, CoordinatorMessage>, message: AgentMessage): void {
  try {
    if (!call.writableEnded && !call.destroyed) call.write(message);
  } catch {
    // The stream closed under us; the coordinator will get a fresh Hello on reconnect.
  }
}

function refOf(key: string): { account: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { account: "", name: key } : { account: key.slice(0, slash), name: key.slice(slash + 1) };
}
