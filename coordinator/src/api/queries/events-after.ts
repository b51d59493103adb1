// Read-only event query for watchers: events after an arrival position, oldest first. The
// store's listEvents answers "newest N"; a watcher needs "everything since", in order.
import { and, asc, eq, gt, gte, max } from "drizzle-orm";
import { type Db } from "../../store/db.js";
import { type EventFilter, type EventRecord } from "../../store/repositories/events.js";
import { events } from "../../store/tables/events.js";

const BATCH = 500;

export async function eventsAfter(db: Db, filter: EventFilter, position: number): Promise<EventRecord[]> {
  return db
    .select()
    .from(events)
    .where(
      and(
        gt(events.position, position),
        filter.account === undefined ? undefined : eq(events.account, filter.account),
        filter.service === undefined ? undefined : eq(events.service, filter.service),
        filter.host === undefined ? undefined : eq(events.host, filter.host),
        filter.kind === undefined ? undefined : eq(events.kind, filter.kind),
        filter.since === undefined ? undefined : gte(events.at, filter.since),
      ),
    )
    .orderBy(asc(events.position))
    .limit(BATCH);
}

/** The position of the newest stored event (0 when there is none): a watch starts after it. */
export async function lastEventPosition(db: Db): Promise<number> {
  const [row] = await db.select({ last: max(events.position) }).from(events);
  return Number(row?.last ?? 0);
}
