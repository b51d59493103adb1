// What the ingest batcher records, and the pure fold of a batch's status reports into one row per
// service: later reports of a host win field by field, an older sequence of the same host is ignored.
import { type ServiceEvent, type ServiceStatusState } from "@vigil/shared";
import { type ServiceEventInput } from "../store/repositories/events.js";
import { type ServiceRef } from "../store/repositories/service-rows.js";
import { type StatusDetails } from "../store/repositories/status.js";

/** The reason an agent gives when it disabled a service that kept failing. */
export const CRASH_LOOP_REASON = "crash-loop";

/** A status some report implies for one service. */
export interface StatusUpdate {
  readonly ref: ServiceRef;
  /** The reporting host. */
  readonly host: string;
  readonly state: ServiceStatusState;
  readonly at: Date;
  readonly sequence: number;
  /** Absent fields keep their stored value. */
  readonly details: StatusDetails;
  /**
   * Written only if the service is placed on `host` (heartbeats and status-only events); an event's
   * own status is written for any host whose event was accepted.
   */
  readonly placedOnly: boolean;
}

/** One unit of work handed to the batcher; all records of one bus message or link event form one unit. */
export type IngestRecord =
  /** A service event: stored once by its id; its status applies only when it was new. */
  | {
      readonly kind: "event";
      readonly input: ServiceEventInput;
      readonly crashLoop: boolean;
      /** The agent's message, told to listeners once committed. */
      readonly source: ServiceEvent;
      readonly origin: { readonly subject: string; readonly messageId: string };
    }
  | { readonly kind: "status"; readonly update: StatusUpdate }
  /** The host was heard from (heartbeat on the bus or on the link) at `at`. */
  | { readonly kind: "heard"; readonly host: string; readonly at: Date; readonly how: string };

const key = (ref: ServiceRef): string => JSON.stringify([ref.account, ref.name]);

/**
 * Folds status updates, in arrival order, into one per service, as applying them one after another
 * would leave it: a report from the same host with an older sequence than the one folded so far
 * changes nothing; any other replaces state, host and sequence and overrides the fields it carries.
 */
export function foldStatusUpdates(updates: readonly StatusUpdate[]): StatusUpdate[] {
  const folded = new Map<string, StatusUpdate>();
  for (const update of updates) {
    const current = folded.get(key(update.ref));
    if (current !== undefined && current.host === update.host && update.sequence < current.sequence) continue;
    folded.set(key(update.ref), current === undefined ? update : { ...update, details: { ...current.details, ...update.details } });
  }
  return [...folded.values()];
}

/** The latest `at` per host among `heard` records. */
export function latestHeard(records: readonly IngestRecord[]): Map<string, { at: Date; how: string }> {
  const latest = new Map<string, { at: Date; how: string }>();
  for (const record of records) {
    if (record.kind !== "heard") continue;
    const seen = latest.get(record.host);
    if (seen === undefined || seen.at < record.at) latest.set(record.host, { at: record.at, how: record.how });
  }
  return latest;
}
