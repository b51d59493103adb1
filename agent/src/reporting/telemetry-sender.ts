// Heartbeats and metrics are latest-value telemetry (DESIGN.md "Lifetimes"): published straight to the bus
// when it is up, dropped and counted when it is not, never queued on disk and never replayed after an outage.
import type { EventPublisher } from "@vigil/shared";
import type { Logger } from "@vigil/shared/logging";

export const TELEMETRY_KINDS = ["heartbeat", "metrics"] as const;
export type TelemetryKind = (typeof TELEMETRY_KINDS)[number];

/** The bus as telemetry sees it; `connected` false means a publish now would only wait in a buffer. */
export type TelemetryBus = Pick<EventPublisher, "publish"> & { readonly connected?: boolean };

/** Why a report was dropped: the bus is disconnected, the previous one of its kind is still unanswered, or the bus failed it. */
export const TELEMETRY_DROP_REASONS = ["disconnected", "previous-unanswered", "publish-failed"] as const;
export type TelemetryDropReason = (typeof TELEMETRY_DROP_REASONS)[number];

export class TelemetrySender {
  /** Reports dropped since the agent started. */
  #dropped = 0;
  /** Dropped since the last report that went out; logged when the bus takes one again. */
  #droppedInSeries = 0;
  /** The series was logged: the bus was unreachable or failed (a merely slow answer is only counted). */
  #seriesLogged = false;
  readonly #inFlight = new Set<TelemetryKind>();

  constructor(
    private readonly bus: TelemetryBus,
    private readonly logger: Logger,
  ) {}

  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Publishes at once or drops; resolves when the bus answered or the report was dropped, never rejects.
   * At most one report of each kind waits for an answer, so a slow bus cannot pile them up in memory.
   */
  async send(kind: TelemetryKind, subject: string, messageId: string, data: Uint8Array): Promise<void> {
    if (this.bus.connected === false) return this.#drop(kind, "disconnected");
    if (this.#inFlight.has(kind)) return this.#drop(kind, "previous-unanswered");
    this.#inFlight.add(kind);
    try {
      await this.bus.publish(subject, messageId, data);
      if (this.#seriesLogged) this.logger.info(`telemetry: the bus takes reports again; ${this.#droppedInSeries} heartbeat/metrics reports were dropped meanwhile (${this.#dropped} since start)`);
      this.#droppedInSeries = 0;
      this.#seriesLogged = false;
    } catch {
      this.#drop(kind, "publish-failed");
    } finally {
      this.#inFlight.delete(kind);
    }
  }

  #drop(kind: TelemetryKind, reason: TelemetryDropReason): void {
    this.#dropped += 1;
    this.#droppedInSeries += 1;
    if (this.#seriesLogged || reason === "previous-unanswered") return;
    this.#seriesLogged = true;
    this.logger.warn(`telemetry: ${kind} dropped (${reason}); reports are not queued while the bus is unreachable, further drops are counted`);
  }
}
