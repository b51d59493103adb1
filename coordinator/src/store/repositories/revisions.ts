// Bumps the desired-state revision of hosts whose services changed, so the coordinator knows
// which connected agents need a new full state (level-triggered: the revision only grows), and
// keeps those hosts' account addresses equal to the accounts placed there.
import { eq, inArray, or } from "drizzle-orm";
import { type Db } from "../db.js";
import { hosts, nextRevision } from "../tables/hosts.js";
import { services } from "../tables/services.js";
import { syncAccountAddresses } from "./account-addresses.js";

export async function bumpHostRevisions(db: Db, hostIds: readonly (number | null)[]): Promise<void> {
  const ids = [...new Set(hostIds.filter((id): id is number => id !== null))];
  if (ids.length === 0) return;
  // The update locks the hosts' rows until the transaction ends: address allocations on a host take turns.
  await db.update(hosts).set({ revision: nextRevision }).where(inArray(hosts.id, ids));
  await syncAccountAddresses(db, ids);
}

/** Bumps every host an account-wide change reaches: those running its services and those it owns; returns their names. */
export async function bumpAccountHostRevisions(db: Db, accountId: number): Promise<string[]> {
  const placed = db.selectDistinct({ id: services.hostId }).from(services).where(eq(services.accountId, accountId));
  const bumped = await db
    .update(hosts)
    .set({ revision: nextRevision })
    .where(or(eq(hosts.ownerAccountId, accountId), inArray(hosts.id, placed)))
    .returning({ name: hosts.name });
  return bumped.map((host) => host.name);
}
