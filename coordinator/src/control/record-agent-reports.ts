// Records what agents publish on the event bus: service events with their status (one transaction,
// idempotent by message id), heartbeats (host seen, statuses), and crash-loop disablement, which
// becomes is_disabled in the database so the desired state sent back keeps the service disabled.
import { asServiceStatusState, type BusDelivery, BusMessage, type HostHeartbeat, type ServiceEvent } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { type Store } from "../store/open-store.js";
import { storableCopy } from "../store/storable-strings.js";
import { recordServiceEvent } from "../store/repositories/events.js";
import { hostHeardFrom } from "../liveness/host-transitions.js";
import { disableService } from "../store/repositories/service-changes.js";
import { findService } from "../store/repositories/services.js";
import { applyHeartbeatStatuses, applyStatus, type HeartbeatStatus } from "../store/repositories/status.js";
import { type DesiredStateNotifier } from "./control-ports.js";
import { mapServiceEvent } from "./service-event-input.js";

/** The reason an agent gives when it disabled a service that kept failing. */
export const CRASH_LOOP_REASON = "crash-loop";

export type RecordedEventListener = (event: ServiceEvent) => void;

export interface AgentReportRecorderOptions {
  readonly store: Store;
  readonly notifier: DesiredStateNotifier;
  readonly logger?: Logger;
}

export class AgentReportRecorder {
  readonly #store: Store;
  readonly #notifier: DesiredStateNotifier;
  readonly #logger: Logger;
  readonly #listeners = new Set<RecordedEventListener>();

  constructor(options: AgentReportRecorderOptions) {
    this.#store = options.store;
    this.#notifier = options.notifier;
    this.#logger = options.logger ?? defaultLogger();
  }

  /** Told about each service event once it is committed (never about a redelivered one). */
  onEvent(listener: RecordedEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The bus handler: resolves after the commit, so the bus acks only what is stored. */
  readonly handle = async (delivery: BusDelivery): Promise<void> => {
    let message: BusMessage;
    try {
      message = storableCopy(BusMessage.decode(delivery.data));
    } catch (error) {
      // A message that can never be decoded would be redelivered forever; drop it loudly.
      this.#logger.warn({ messageId: delivery.messageId, err: error }, "dropping an undecodable bus message");
      return;
    }
    const body = message.body;
    if (body?.$case === "serviceEvent") await this.#serviceEvent(body.value);
    else if (body?.$case === "heartbeat") await this.#heartbeat(body.value);
  };

  async #serviceEvent(event: ServiceEvent): Promise<void> {
    const mapped = mapServiceEvent(event);
    if (mapped.kind === "invalid") {
      this.#logger.warn({ event: event.id, host: event.host, reason: mapped.reason }, "dropping a service event");
      return;
    }
    if (mapped.kind === "status-only") {
      const service = await findService(this.#store.db, mapped.ref);
      if (service !== null && service.host === event.host) {
        await applyStatus(this.#store.db, service.id, { ...mapped.status, host: event.host, state: mapped.state, at: mapped.at, sequence: mapped.sequence });
      }
      return;
    }
    const ref = { account: mapped.input.account, name: mapped.input.service };
    const crashLoop = event.kind === "disabled" && event.reason === CRASH_LOOP_REASON;
    const recorded = await this.#store.transaction(async (tx) => {
      const result = await recordServiceEvent(tx, mapped.input);
      if (result.inserted && crashLoop && (await findService(tx, ref)) !== null) await disableService(tx, ref, CRASH_LOOP_REASON);
      return result;
    });
    if (!recorded.inserted) return;
    if (crashLoop) this.#notifier.hostsChanged([event.host]);
    for (const listener of this.#listeners) listener(event);
  }

  /** A fixed number of statements per heartbeat, whatever the number of services it reports. */
  async #heartbeat(heartbeat: HostHeartbeat): Promise<void> {
    const at = new Date(Math.min(heartbeat.atMs, Date.now()));
    await hostHeardFrom(this.#store.db, heartbeat.host, at, "heartbeat on the bus").catch(() => undefined);
    // Heartbeat statuses order after every event created before them (sequences are ms * 1000 + n).
    const services = heartbeat.services.flatMap((status): HeartbeatStatus[] => {
      const state = asServiceStatusState(status.state);
      if (status.service === undefined || state === undefined) return [];
      return [
        {
          ref: { account: status.service.account, name: status.service.name },
          state,
          mainPid: status.mainPid || null,
          startedAt: status.startedAtMs ? new Date(status.startedAtMs) : null,
          restarts: status.restarts,
          disabledReason: status.disabledReason,
          processes: status.processes.map(({ pid, ppid, user, command, cpuPercent, rssBytes }) => ({ pid, ppid, user, command, cpuPercent, rssBytes })),
          processesOmitted: status.processesOmitted,
          logDegraded: status.logDegraded,
          logLinesDropped: status.logLinesDropped,
          taskLimitHits: status.taskLimitHits,
        },
      ];
    });
    await applyHeartbeatStatuses(this.#store.db, { host: heartbeat.host, at, sequence: heartbeat.atMs * 1000, services });
  }
}
