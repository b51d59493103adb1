// Records what agents publish on the event bus or their link: service events with their status
// (idempotent by message id), heartbeats (host seen, statuses), and crash-loop disablement, which
// becomes is_disabled in the database so the desired state sent back keeps the service disabled.
// Reports go through an IngestBatcher: a fixed number of statements per batch, acked after commit.
import { asServiceStatusState, type BusDelivery, BusMessage, type HostHeartbeat, type ServiceEvent } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { IngestBatcher } from "../ingest/ingest-batcher.js";
import { CRASH_LOOP_REASON, type IngestRecord, type StatusUpdate } from "../ingest/ingest-records.js";
import { type Store } from "../store/open-store.js";
import { storableCopy } from "../store/storable-strings.js";
import { databaseUnavailableReason } from "../store/database-unavailable.js";
import { type DesiredStateNotifier } from "./control-ports.js";
import { mapServiceEvent } from "./service-event-input.js";
import { type CommittedBatch, writeIngestBatch } from "./write-ingest-batch.js";

export { CRASH_LOOP_REASON } from "../ingest/ingest-records.js";

export type RecordedEventListener = (event: ServiceEvent) => void;
/** An event refused because its service is placed on another host: never stored, acked all the same. */
export type RefusedEventListener = (origin: { readonly subject: string; readonly messageId: string }, reason: string) => void;

export interface AgentReportRecorderOptions {
  readonly store: Store;
  readonly notifier: DesiredStateNotifier;
  readonly logger?: Logger;
  /** Longest a report waits for its batch (default 5 ms) and most records per batch (default 2,000). */
  readonly batchDelayMs?: number;
  readonly batchRecords?: number;
  readonly onRefused?: RefusedEventListener;
}

export class AgentReportRecorder {
  readonly #store: Store;
  readonly #notifier: DesiredStateNotifier;
  readonly #logger: Logger;
  readonly #onRefused: RefusedEventListener;
  readonly #listeners = new Set<RecordedEventListener>();
  readonly #batcher: IngestBatcher<IngestRecord>;

  constructor(options: AgentReportRecorderOptions) {
    this.#store = options.store;
    this.#notifier = options.notifier;
    this.#logger = options.logger ?? defaultLogger();
    this.#onRefused = options.onRefused ?? ((origin, reason) => this.#logger.warn({ messageId: origin.messageId, subject: origin.subject }, `dropped event: ${reason}`));
    this.#batcher = new IngestBatcher<IngestRecord>({
      write: (records) => this.#write(records),
      isolateAfter: (error) => databaseUnavailableReason(error) === undefined,
      ...(options.batchDelayMs !== undefined && { maxDelayMs: options.batchDelayMs }),
      ...(options.batchRecords !== undefined && { maxRecords: options.batchRecords }),
    });
  }

  /** Told about each service event once it is committed (never about a redelivered one). */
  onEvent(listener: RecordedEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reports waiting for their batch to commit. */
  get backlog(): number {
    return this.#batcher.backlog;
  }

  /** Resolves once every report handed in so far is written or failed. */
  drain(): Promise<void> {
    return this.#batcher.drain();
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
    if (body?.$case === "serviceEvent") return this.#batcher.submit(this.#serviceEvent(body.value, delivery));
    if (body?.$case === "heartbeat") return this.#batcher.submit(heartbeatRecords(body.value));
  };

  /** The host's agent was heard from on its link (a link heartbeat); batched like the rest. */
  heardFrom(host: string, at: Date, how: string): Promise<void> {
    return this.#batcher.submit([{ kind: "heard", host, at, how }]);
  }

  #serviceEvent(event: ServiceEvent, delivery: BusDelivery): IngestRecord[] {
    const mapped = mapServiceEvent(event);
    if (mapped.kind === "invalid") {
      this.#logger.warn({ event: event.id, host: event.host, reason: mapped.reason }, "dropping a service event");
      return [];
    }
    if (mapped.kind === "status-only") {
      return [{ kind: "status", update: { ref: mapped.ref, host: event.host, state: mapped.state, at: mapped.at, sequence: mapped.sequence, details: mapped.status, placedOnly: true } }];
    }
    const crashLoop = event.kind === "disabled" && event.reason === CRASH_LOOP_REASON;
    return [{ kind: "event", input: mapped.input, crashLoop, source: event, origin: { subject: delivery.subject, messageId: delivery.messageId } }];
  }

  async #write(records: readonly IngestRecord[]): Promise<void> {
    const committed: CommittedBatch = await this.#store.transaction((tx) => writeIngestBatch(tx, records));
    if (committed.disabledHosts.length > 0) this.#notifier.hostsChanged(committed.disabledHosts);
    for (const { origin, reason } of committed.refused) this.#onRefused(origin, reason);
    for (const event of committed.recorded) for (const listener of this.#listeners) listener(event);
  }
}

/** A fixed number of statements per heartbeat, whatever the number of services it reports. */
function heartbeatRecords(heartbeat: HostHeartbeat): IngestRecord[] {
  const at = new Date(Math.min(heartbeat.atMs, Date.now()));
  // Heartbeat statuses order after every event created before them (sequences are ms * 1000 + n).
  const sequence = heartbeat.atMs * 1000;
  const statuses = heartbeat.services.flatMap((status): IngestRecord[] => {
    const state = asServiceStatusState(status.state);
    if (status.service === undefined || state === undefined) return [];
    const update: StatusUpdate = {
      ref: { account: status.service.account, name: status.service.name },
      host: heartbeat.host,
      state,
      at,
      sequence,
      placedOnly: true,
      details: {
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
    };
    return [{ kind: "status", update }];
  });
  return [{ kind: "heard", host: heartbeat.host, at, how: "heartbeat on the bus" }, ...statuses];
}
