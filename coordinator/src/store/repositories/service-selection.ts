// Bulk changes over the services a selector matches (account and LIKE pattern on the name), in a
// fixed number of statements whatever their count: read them, or set their desired state.
import { and, eq, inArray, like, ne, sql, type SQL } from "drizzle-orm";
import { type Db } from "../db.js";
import { accounts } from "../tables/accounts.js";
import { hosts, nextRevision } from "../tables/hosts.js";
import { services } from "../tables/services.js";
import { type DesiredState } from "../vocabulary.js";
import { bumpHostRevisions } from "./revisions.js";
import { selectServiceRecords, type ServiceRecord } from "./service-rows.js";

export interface SelectionFilter {
  /** Undefined: every account. */
  readonly account: string | undefined;
  /** A LIKE pattern over service names. */
  readonly namePattern: string;
}

export interface DesiredStateChange {
  /** Every service the selector matched (account, then name). */
  readonly matched: ServiceRecord[];
  /** How many of them had another desired state before. */
  readonly changed: number;
  /** The hosts of the changed services: each needs one new desired state. */
  readonly hosts: string[];
}

/** Usable in UPDATE (no join): the account is matched through a subquery. */
function matching(db: Db, filter: SelectionFilter): SQL | undefined {
  const account = filter.account === undefined ? undefined : inArray(services.accountId, db.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, filter.account)));
  return and(like(services.name, filter.namePattern), account);
}

export async function selectMatchingServices(db: Db, filter: SelectionFilter): Promise<ServiceRecord[]> {
  return selectServiceRecords(db, matching(db, filter));
}

/** One transaction: one update of every matching service, one revision bump of their hosts, one read. */
export async function setDesiredStateOfSelection(db: Db, filter: SelectionFilter, desiredState: DesiredState): Promise<DesiredStateChange> {
  return db.transaction(async (tx) => {
    const changed = await tx
      .update(services)
      .set({ desiredState, revision: nextRevision, updatedAt: new Date() })
      .where(and(matching(tx, filter), ne(services.desiredState, desiredState)))
      .returning({ hostId: services.hostId, host: sql<string | null>`(select ${hosts.name} from ${hosts} where ${hosts.id} = ${services.hostId})` });
    await bumpHostRevisions(tx, changed.map((row) => row.hostId));
    const matched = await selectMatchingServices(tx, filter);
    const changedHosts = new Set(changed.flatMap((row) => (row.host === null ? [] : [row.host])));
    return { matched, changed: changed.length, hosts: [...changedHosts].sort() };
  });
}
