// A light simulated agent: a real AgentLink client (CoordinatorLink) whose supervision only records
// the desired state it is given, spawning nothing. Over NATS it publishes what a real agent does: a
// "started" per new service, a heartbeat with every service's status, and exit/restart events.
import { CoordinatorLink, desiredKey, planReconcile, type ApplyResult, type LinkSupervisor } from "@vigil/agent";
import { type BusMessage, type BusNames, type DesiredServiceSpec, type EventPublisher, HostHeartbeat, ServiceEvent, ServiceStatus, toBusEnvelope } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";

interface SimulatedService {
  readonly account: string;
  readonly name: string;
  pid: number;
  startedAtMs: number;
  restarts: number;
}

export class SimulatedHost {
  readonly link: CoordinatorLink;
  private current = new Map<string, DesiredServiceSpec>();
  private readonly services = new Map<string, SimulatedService>();
  private counter = 0;
  private nextPid = 1000;
  /** Messages published and acknowledged by the bus (PubAck). */
  published = 0;
  /** Service events among them (each one must end up in the events table). */
  publishedEvents = 0;
  failed = 0;
  /** Told the id of every service event as it is published. */
  onEvent: (id: string) => void = () => undefined;
  /** performance.now() of the last Welcome, as the link handled it (not when a poll noticed it). */
  welcomedAt: number | undefined;
  /** performance.now() when the link last lost its coordinator. */
  disconnectedAt: number | undefined;
  /** Called after every apply with the services now desired. */
  onApplied: (host: SimulatedHost) => void = () => undefined;

  constructor(
    readonly name: string,
    /** One coordinator, or every replica's address (the link fails over between them). */
    address: string | readonly string[],
    token: string,
    private readonly publisher: EventPublisher,
    private readonly names: BusNames,
  ) {
    const supervisor: LinkSupervisor = {
      apply: (desired) => this.apply(desired),
      status: async () => [],
      statusOf: async (key) => Promise.reject(new Error(`${key}: a simulated host runs nothing`)),
      restart: async () => undefined,
      signal: async () => undefined,
      readLog: async () => ({ lines: [], next: { fileId: 0, offset: 0 } }),
    };
    this.link = new CoordinatorLink({ addresses: typeof address === "string" ? [address] : address, hostName: name, token, agentVersion: "bench-simulated", supervisor, logger: recordingLogger().logger, onWelcome: () => (this.welcomedAt = performance.now()), onDisconnect: () => (this.disconnectedAt = performance.now()) });
  }

  get serviceCount(): number {
    return this.current.size;
  }

  /** "<account>/<name>" of every service this host would run now (in its desired state, not stopped). */
  runningKeys(): string[] {
    return [...this.current.values()].filter((desired) => desired.desiredState === "running").map((desired) => `${desired.account.name}/${desired.spec.name}`);
  }

  command(name: string): string | undefined {
    return [...this.current.values()].find((desired) => desired.spec.name === name)?.spec.command;
  }

  /** Publishes a heartbeat with the status of every service, as an agent does every 10 s. */
  heartbeat(): void {
    const now = Date.now();
    const services = [...this.services.values()].map((service) =>
      ServiceStatus.fromPartial({
        service: { account: service.account, name: service.name },
        host: this.name,
        state: "running",
        mainPid: service.pid,
        startedAtMs: service.startedAtMs,
        restarts: service.restarts,
        processes: [{ pid: service.pid, ppid: 1, user: service.account, command: "sleep 1000", cpuPercent: 0.1, rssBytes: 1_200_000 }],
        updatedAtMs: now,
      }),
    );
    const value = HostHeartbeat.fromPartial({ id: this.nextId(), host: this.name, atMs: now, agentVersion: "bench-simulated", services });
    this.publish({ body: { $case: "heartbeat", value } }, false);
  }

  /** The i-th service (of those delivered so far) exits and is started again; returns the exit event's id. */
  exitAndRestart(index: number): string | undefined {
    const services = [...this.services.values()];
    const service = services[index % Math.max(1, services.length)];
    if (service === undefined) return undefined;
    const now = Date.now();
    const exitId = this.event(service, { kind: "exited", state: "starting", atMs: now, pid: service.pid, exit: { hasCode: true, code: 1, signal: "", atMs: now, reason: "" } });
    service.restarts += 1;
    service.pid = this.nextPid++;
    service.startedAtMs = now + 1;
    this.event(service, { kind: "started", state: "running", atMs: now + 1, pid: service.pid });
    return exitId;
  }

  private async apply(desired: readonly DesiredServiceSpec[]): Promise<ApplyResult> {
    const plan = planReconcile(this.current, desired);
    this.current = new Map(desired.map((d) => [desiredKey(d), d]));
    for (const started of plan.start) {
      const service: SimulatedService = { account: started.account.name, name: started.spec.name, pid: this.nextPid++, startedAtMs: Date.now(), restarts: 0 };
      this.services.set(desiredKey(started), service);
      this.event(service, { kind: "started", state: "running", atMs: service.startedAtMs, pid: service.pid });
    }
    this.onApplied(this);
    return { plan, errors: [] };
  }

  private nextId(): string {
    this.counter += 1;
    return `${this.name}-${this.counter}`;
  }

  private event(service: SimulatedService, fields: Partial<ServiceEvent>): string {
    const id = this.nextId();
    const value = ServiceEvent.fromPartial({ ...fields, id, host: this.name, service: { account: service.account, name: service.name }, message: "(simulated)", restarts: service.restarts, sequence: (fields.atMs ?? Date.now()) * 1000 + (this.counter % 1000) });
    this.onEvent(id);
    this.publish({ body: { $case: "serviceEvent", value } }, true);
    return id;
  }

  private publish(message: BusMessage, isEvent: boolean): void {
    const envelope = toBusEnvelope(this.names, message);
    this.publisher.publish(envelope.subject, envelope.messageId, envelope.data).then(
      () => {
        this.published += 1;
        if (isEvent) this.publishedEvents += 1;
      },
      () => (this.failed += 1),
    );
  }
}
