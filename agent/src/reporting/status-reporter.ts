// The agent's reporting: every supervision event goes into the disk outbox as a ServiceEvent,
// with a heartbeat every 10 s and process metrics every 30 s; the outbox publishes them to the bus.
import { type BusMessage, type BusNames, MessageIdSequence, toBusEnvelope } from "@vigil/shared";
import { type HostSupervisor } from "../reconciler/host-supervisor.js";
import { heartbeatMessage, type MessageStamp, metricsMessage, serviceEventMessage } from "./report-messages.js";

/** Where reports go: the DiskOutbox, which keeps them on disk until the bus accepted them. */
export interface ReportSink {
  enqueue(subject: string, messageId: string, data: Uint8Array): Promise<void>;
}

export interface StatusReporterOptions {
  readonly hostName: string;
  readonly agentVersion: string;
  /** Unique per agent process start (newBootId()). */
  readonly bootId: string;
  readonly names: BusNames;
  readonly supervisor: Pick<HostSupervisor, "onEvent" | "status">;
  readonly sink: ReportSink;
  readonly heartbeatIntervalMs?: number;
  readonly metricsIntervalMs?: number;
  readonly appliedRevision?: () => number;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
export const DEFAULT_METRICS_INTERVAL_MS = 30_000;

export class StatusReporter {
  readonly #options: StatusReporterOptions;
  readonly #ids: MessageIdSequence;
  readonly #now: () => number;
  #lastSequence = 0;
  #unsubscribe: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #metrics: NodeJS.Timeout | undefined;
  /** Enqueues in flight, so stop() can wait until every event is on disk. */
  readonly #pending = new Set<Promise<void>>();

  constructor(options: StatusReporterOptions) {
    this.#options = options;
    this.#ids = new MessageIdSequence(options.hostName, options.bootId);
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.#unsubscribe ??= this.#options.supervisor.onEvent((event) => this.#enqueue(serviceEventMessage(event, this.#stamp())));
    this.setHeartbeatInterval(this.#options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
    clearInterval(this.#metrics);
    this.#metrics = setInterval(() => void this.#report("metrics"), this.#options.metricsIntervalMs ?? DEFAULT_METRICS_INTERVAL_MS);
  }

  /** The coordinator's Welcome says how often it expects heartbeats. */
  setHeartbeatInterval(intervalMs: number): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => void this.#report("heartbeat"), Math.max(250, intervalMs));
  }

  /** Publishes a heartbeat at once (e.g. on reconnect, so statuses are current without waiting). */
  heartbeatNow(): Promise<void> {
    return this.#report("heartbeat");
  }

  /** Stops reporting; resolves once every event reported so far is in the outbox. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearInterval(this.#heartbeat);
    clearInterval(this.#metrics);
    await Promise.all(this.#pending);
  }

  #stamp(): MessageStamp {
    this.#lastSequence = Math.max(this.#lastSequence + 1, this.#now() * 1000);
    return { id: this.#ids.next(), host: this.#options.hostName, sequence: this.#lastSequence };
  }

  async #report(kind: "heartbeat" | "metrics"): Promise<void> {
    try {
      const statuses = await this.#options.supervisor.status();
      const now = this.#now();
      const stamp = this.#stamp();
      const message =
        kind === "heartbeat" ? heartbeatMessage(statuses, stamp, now, this.#options.agentVersion, this.#options.appliedRevision?.() ?? 0) : metricsMessage(statuses, stamp, now);
      await this.#enqueue(message);
    } catch (error) {
      this.#log(`${kind} not reported: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #enqueue(message: BusMessage): Promise<void> {
    const envelope = toBusEnvelope(this.#options.names, message);
    const pending = this.#options.sink.enqueue(envelope.subject, envelope.messageId, envelope.data).catch((error: unknown) => {
      this.#log(`report ${envelope.messageId} could not be written to the outbox: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.#pending.add(pending);
    void pending.finally(() => this.#pending.delete(pending));
    return pending;
  }

  #log(line: string): void {
    (this.#options.log ?? ((text: string) => console.error(text)))(`vigil agent: ${line}`);
  }
}
