// Repository functions for the event history: record an agent's event together with the status
// it implies (idempotent under redelivery), list with filters newest first, and prune.
import { randomUUID } from "node:crypto";
import { type HostEventKind, type ServiceEventKind, type ServiceStatusState, type StoredEventKind } from "@vigil/shared";
import { and, desc, eq, gt, gte, inArray, lt, or, sql } from "drizzle-orm";
import { type Db } from "../db.js";
import { accounts } from "../tables/accounts.js";
import { events } from "../tables/events.js";
import { services } from "../tables/services.js";
import { applyStatus, type StatusDetails } from "./status.js";

export interface ServiceEventInput {
  /** The agent's message id: recording the same id twice stores it once. */
  readonly id: string;
  readonly host: string;
  readonly account: string;
  readonly service: string;
  readonly kind: ServiceEventKind;
  /** The service's state after the event. */
  readonly state: ServiceStatusState;
  readonly at: Date;
  readonly sequence?: number;
  readonly payload?: Readonly<Record<string, unknown>>;
  /** What the event says about the status besides its state (pid, restarts, exit…). */
  readonly status?: StatusDetails;
}

export type EventRecord = typeof events.$inferSelect;

export interface EventFilter {
  readonly account?: string;
  readonly service?: string;
  readonly host?: string;
  readonly kind?: StoredEventKind;
  /** Only events at or after this instant. */
  readonly since?: Date;
  /** At most this many (default 100, capped at 1000). */
  readonly limit?: number;
}

export interface RetentionPolicy {
  /** Keep at most this many of the newest events of each service. */
  readonly keepPerService: number;
  /** Delete every event older than this. */
  readonly olderThan: Date;
}

export interface RecordedEvent {
  /** False when the id was already stored (a redelivery): nothing was written. */
  readonly inserted: boolean;
  /** False when nothing was inserted, the service no longer exists, or newer status was stored. */
  readonly statusApplied: boolean;
}

export const DEFAULT_EVENT_LIMIT = 100;
export const MAX_EVENT_LIMIT = 1000;

/** Stores the event and applies its status in one transaction; acknowledge after it resolves. */
export async function recordServiceEvent(db: Db, event: ServiceEventInput): Promise<RecordedEvent> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(events)
      .values({ id: event.id, host: event.host, account: event.account, service: event.service, kind: event.kind, state: event.state, at: event.at, sequence: event.sequence ?? 0, payload: { ...event.payload } })
      .onConflictDoNothing({ target: events.id })
      .returning({ id: events.id });
    if (inserted.length === 0) return { inserted: false, statusApplied: false };
    const [service] = await tx
      .select({ id: services.id })
      .from(services)
      .innerJoin(accounts, eq(accounts.id, services.accountId))
      .where(and(eq(accounts.name, event.account), eq(services.name, event.service)));
    if (!service) return { inserted: true, statusApplied: false };
    const statusApplied = await applyStatus(tx, service.id, { ...event.status, host: event.host, state: event.state, at: event.at, sequence: event.sequence ?? 0 });
    return { inserted: true, statusApplied };
  });
}

/** Records a host's own event: no service, state "unknown"; an account only when it is about one (account-moved). */
export async function recordHostEvent(db: Db, event: { readonly host: string; readonly kind: HostEventKind; readonly at: Date; readonly message: string; readonly account?: string }): Promise<void> {
  await db.insert(events).values({ id: `${event.kind}-${randomUUID()}`, host: event.host, account: event.account ?? "", service: "", kind: event.kind, state: "unknown", at: event.at, payload: { message: event.message } });
}

/** Events matching every given filter, newest first. */
export async function listEvents(db: Db, filter: EventFilter = {}): Promise<EventRecord[]> {
  const limit = Math.min(Math.max(1, filter.limit ?? DEFAULT_EVENT_LIMIT), MAX_EVENT_LIMIT);
  return db
    .select()
    .from(events)
    .where(
      and(
        filter.account === undefined ? undefined : eq(events.account, filter.account),
        filter.service === undefined ? undefined : eq(events.service, filter.service),
        filter.host === undefined ? undefined : eq(events.host, filter.host),
        filter.kind === undefined ? undefined : eq(events.kind, filter.kind),
        filter.since === undefined ? undefined : gte(events.at, filter.since),
      ),
    )
    .orderBy(desc(events.at), desc(events.position))
    .limit(limit);
}

/** Applies the retention policy; returns how many events were deleted. */
export async function pruneEvents(db: Db, policy: RetentionPolicy): Promise<number> {
  const ranked = db
    .select({
      id: events.id,
      rank: sql<number>`row_number() over (partition by ${events.account}, ${events.service} order by ${events.at} desc, ${events.position} desc)`.as("rank"),
    })
    .from(events)
    .as("ranked");
  const beyondLimit = db.select({ id: ranked.id }).from(ranked).where(gt(ranked.rank, policy.keepPerService));
  const deleted = await db
    .delete(events)
    .where(or(lt(events.at, policy.olderThan), inArray(events.id, beyondLimit)))
    .returning({ id: events.id });
  return deleted.length;
}

/**
 * Deletes up to `limit` events older than `olderThan`, oldest first; returns how many. Called in a
 * loop by the retention job, so one run never holds a long transaction over a big table.
 */
export async function pruneEventsBatch(db: Db, olderThan: Date, limit: number): Promise<number> {
  const oldest = db.select({ id: events.id }).from(events).where(lt(events.at, olderThan)).orderBy(events.at).limit(limit);
  const deleted = await db.delete(events).where(inArray(events.id, oldest)).returning({ id: events.id });
  return deleted.length;
}
