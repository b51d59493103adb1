// One ingest batch inside its transaction: events (new ids only), then the statuses they and the
// heartbeats imply folded to one row per service, crash-loop disables, and hosts heard from.
// Statements: 3 or 4 whatever the batch's size, plus 2 per crash-loop disable (rare by nature).
import { type ServiceEvent } from "@vigil/shared";
import { CRASH_LOOP_REASON, foldStatusUpdates, type IngestRecord, latestHeard, type StatusUpdate } from "../ingest/ingest-records.js";
import { type Db } from "../store/db.js";
import { applyStatusRows, insertEvents, markHostsHeard } from "../store/repositories/ingest-writes.js";
import { disableService } from "../store/repositories/service-changes.js";
import { NotFoundError } from "../store/errors.js";

export interface CommittedBatch {
  /** Newly stored events, in order. */
  readonly recorded: readonly ServiceEvent[];
  /** Hosts whose desired state changed (a service disabled after its crash loop). */
  readonly disabledHosts: readonly string[];
  readonly refused: readonly { readonly origin: { readonly subject: string; readonly messageId: string }; readonly reason: string }[];
}

export async function writeIngestBatch(tx: Db, records: readonly IngestRecord[]): Promise<CommittedBatch> {
  const events = firstOfEachId(records);
  const { inserted, refused } = await insertEvents(tx, events.map((record) => record.input));
  const fresh = events.filter((record) => inserted.has(record.input.id));
  const freshRecords = new Set<IngestRecord>(fresh);
  const updates = records.flatMap((record): StatusUpdate[] => {
    if (record.kind === "status") return [record.update];
    if (record.kind !== "event" || !freshRecords.has(record)) return [];
    const { input } = record;
    return [{ ref: { account: input.account, name: input.service }, host: input.host, state: input.state, at: input.at, sequence: input.sequence ?? 0, details: input.status ?? {}, placedOnly: false }];
  });
  const folded = foldStatusUpdates(updates);
  await applyStatusRows(tx, folded.map((update) => ({ account: update.ref.account, name: update.ref.name, host: update.host, state: update.state, at: update.at, sequence: update.sequence, details: update.details, placedOnly: update.placedOnly })));
  const disabledHosts: string[] = [];
  for (const record of fresh) {
    if (!record.crashLoop) continue;
    const disabled = await disableService(tx, { account: record.input.account, name: record.input.service }, CRASH_LOOP_REASON).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined; // deleted meanwhile: nothing to disable
      throw error;
    });
    if (disabled !== undefined) disabledHosts.push(record.input.host);
  }
  await markHostsHeard(tx, latestHeard(records));
  return {
    recorded: fresh.map((record) => record.source),
    disabledHosts,
    refused: events
      .filter((record) => refused.has(record.input.id))
      .map((record) => ({ origin: record.origin, reason: `service: ${record.input.account}/${record.input.service} is placed on ${refused.get(record.input.id) ?? "no host"}, not ${record.input.host}` })),
  };
}

type EventRecord = Extract<IngestRecord, { kind: "event" }>;

/** A batch may hold the same message twice (a redelivery while the first was queued): the first counts. */
function firstOfEachId(records: readonly IngestRecord[]): EventRecord[] {
  const seen = new Set<string>();
  return records.filter((record): record is EventRecord => record.kind === "event" && !seen.has(record.input.id) && (seen.add(record.input.id), true));
}
