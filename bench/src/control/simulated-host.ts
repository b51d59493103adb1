// A light simulated agent: a real AgentLink client (CoordinatorLink) whose supervision only records
// the desired state it is given and publishes a "started" event per new service, spawning nothing.
import { CoordinatorLink, desiredKey, planReconcile, type ApplyResult, type LinkSupervisor } from "@vigil/agent";
import { type BusNames, type DesiredServiceSpec, type EventPublisher, ServiceEvent, toBusEnvelope } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";

export class SimulatedHost {
  readonly link: CoordinatorLink;
  private current = new Map<string, DesiredServiceSpec>();
  private sequence = 0;
  /** Events published and acknowledged by the bus (PubAck). */
  published = 0;
  failed = 0;
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
    this.link = new CoordinatorLink({ addresses: typeof address === "string" ? [address] : address, hostName: name, token, agentVersion: "bench-simulated", supervisor, logger: recordingLogger().logger });
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

  private async apply(desired: readonly DesiredServiceSpec[]): Promise<ApplyResult> {
    const plan = planReconcile(this.current, desired);
    this.current = new Map(desired.map((d) => [desiredKey(d), d]));
    for (const started of plan.start) this.publishStarted(started);
    this.onApplied(this);
    return { plan, errors: [] };
  }

  private publishStarted(desired: DesiredServiceSpec): void {
    const sequence = (this.sequence += 1);
    const value = ServiceEvent.fromPartial({
      id: `${this.name}-${sequence}`,
      host: this.name,
      service: { account: desired.account.name, name: desired.spec.name },
      kind: "started",
      state: "running",
      atMs: Date.now(),
      message: "started (simulated)",
      sequence,
    });
    const envelope = toBusEnvelope(this.names, { body: { $case: "serviceEvent", value } });
    this.publisher.publish(envelope.subject, envelope.messageId, envelope.data).then(
      () => (this.published += 1),
      () => (this.failed += 1),
    );
  }
}
