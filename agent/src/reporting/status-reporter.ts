// The agent's reporting: every supervision event goes into the disk outbox as a ServiceEvent, which
// publishes it to the bus; a heartbeat every 10 s and process metrics every 30 s go straight to the bus as
// latest-value telemetry (TelemetrySender), dropped and counted while it is unreachable, never replayed.
import { type BusMessage, type BusNames, MessageIdSequence, type OutboxCounters, toBusEnvelope } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { OutboxFullError } from "../outbox/outbox-notices.js";
import { type HostSupervisor } from "../reconciler/host-supervisor.js";
import { heartbeatMessage, type MessageStamp, metricsMessage, serviceEventMessage } from "./report-messages.js";
import { type TelemetryBus, type TelemetryKind, TelemetrySender } from "./telemetry-sender.js";

/** Where events go: the DiskOutbox, which keeps them on disk until the bus accepted them. */
export interface ReportSink {
  enqueue(subject: string, messageId: string, data: Uint8Array): Promise<void>;
  /** What the sink could not carry since it opened, reported in each heartbeat. */
  counters?(): { readonly refused: number; readonly deadLettered: number };
}

export interface StatusReporterOptions {
  readonly hostName: string;
  readonly agentVersion: string;
  /** Unique per agent process start (newBootId()). */
  readonly bootId: string;
  readonly names: BusNames;
  readonly supervisor: Pick<HostSupervisor, "onEvent" | "status" | "reportStatuses">;
  readonly sink: ReportSink;
  /** Where heartbeats and metrics go directly: the same publisher the outbox uses. */
  readonly telemetry: TelemetryBus;
  readonly heartbeatIntervalMs?: number;
  /** 0: no metrics reports. */
  readonly metricsIntervalMs?: number;
  readonly appliedRevision?: () => number;
  readonly now?: () => number;
  readonly logger?: Logger;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
export const DEFAULT_METRICS_INTERVAL_MS = 30_000;
/** Services whose process figures (CPU %, RSS) a heartbeat re-samples besides new and restarted ones. */
export const HEARTBEAT_SAMPLE_REFRESHES = 50;

export class StatusReporter {
  readonly #options: StatusReporterOptions;
  readonly #ids: MessageIdSequence;
  readonly #now: () => number;
  readonly #telemetry: TelemetrySender;
  readonly #logger: Logger;
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
    this.#logger = options.logger ?? defaultLogger();
    this.#telemetry = new TelemetrySender(options.telemetry, this.#logger);
  }

  /** What could not be reported since the agent started: telemetry dropped, events refused or set aside. */
  counters(): OutboxCounters {
    const sink = this.#options.sink.counters?.() ?? { refused: 0, deadLettered: 0 };
    return { telemetryDropped: this.#telemetry.dropped, eventsRefused: sink.refused, eventsDeadLettered: sink.deadLettered };
  }

  start(): void {
    this.#unsubscribe ??= this.#options.supervisor.onEvent((event) => this.#enqueue(serviceEventMessage(event, this.#stamp())));
    this.setHeartbeatInterval(this.#options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
    clearInterval(this.#metrics);
    const metricsIntervalMs = this.#options.metricsIntervalMs ?? DEFAULT_METRICS_INTERVAL_MS;
    if (metricsIntervalMs > 0) this.#metrics = setInterval(() => void this.#report("metrics"), metricsIntervalMs);
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

  /** Stops reporting; resolves once every event reported so far is in the outbox (telemetry in flight is not waited for). */
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

  async #report(kind: TelemetryKind): Promise<void> {
    let envelope;
    try {
      // A heartbeat re-reads /proc for what changed and a fixed number of others: its cost does not grow with the services.
      const statuses = kind === "heartbeat" ? await this.#options.supervisor.reportStatuses(HEARTBEAT_SAMPLE_REFRESHES) : await this.#options.supervisor.status();
      const now = this.#now();
      const stamp = this.#stamp();
      const message =
        kind === "heartbeat"
          ? heartbeatMessage(statuses, stamp, now, { agentVersion: this.#options.agentVersion, appliedRevision: this.#options.appliedRevision?.() ?? 0, outbox: this.counters() })
          : metricsMessage(statuses, stamp, now);
      envelope = toBusEnvelope(this.#options.names, message);
    } catch (error) {
      this.#logger.warn({ err: error }, `${kind} not reported`);
      return;
    }
    await this.#telemetry.send(kind, envelope.subject, envelope.messageId, envelope.data);
  }

  #enqueue(message: BusMessage): Promise<void> {
    const envelope = toBusEnvelope(this.#options.names, message);
    const pending = this.#options.sink.enqueue(envelope.subject, envelope.messageId, envelope.data).catch((error: unknown) => {
      // A full outbox says so itself, once per series, and counts what it refused.
      if (error instanceof OutboxFullError) return;
      this.#logger.error({ err: error, messageId: envelope.messageId }, "event could not be written to the outbox");
    });
    this.#pending.add(pending);
    void pending.finally(() => this.#pending.delete(pending));
    return pending;
  }
}
