// Storage side of `host drain`: which hosts are draining, the accounts still on them, and moving
// one account in two transactions — stop on the old host (a move row), then place on the new one.
import { and, asc, eq, inArray, notInArray, sql } from "drizzle-orm";
import { type Db } from "../db.js";
import { accountMoves } from "../tables/account-moves.js";
import { accounts } from "../tables/accounts.js";
import { hosts } from "../tables/hosts.js";
import { serviceStatus } from "../tables/service-status.js";
import { services } from "../tables/services.js";
import { type Cloud } from "../vocabulary.js";
import { bumpHostRevisions } from "./revisions.js";

export interface AccountOnHost {
  readonly accountId: number;
  readonly account: string;
  readonly cloud: Cloud;
  readonly serviceCount: number;
}

export interface AccountMove {
  readonly accountId: number;
  readonly account: string;
  readonly fromHostId: number;
  readonly from: string;
  readonly toHostId: number;
  readonly to: string;
  /** The old host's revision that first sent the account's services stopped. */
  readonly stopRevision: number;
  readonly startedAt: Date;
  readonly cloud: Cloud;
  /** The account's services still on the old host. */
  readonly serviceCount: number;
}

/** Status states in which a service runs no process. */
const NOT_RUNNING = ["stopped", "disabled"] as const;

/** Names of the accounts a drain is moving off `host`: the host is sent their services stopped. */
export async function accountsLeaving(db: Db, host: string): Promise<Set<string>> {
  return (await accountsLeavingHosts(db, [host])).get(host) ?? new Set();
}

/** accountsLeaving of many hosts in one query; a host nothing leaves is absent. */
export async function accountsLeavingHosts(db: Db, names: readonly string[]): Promise<Map<string, Set<string>>> {
  const leaving = new Map<string, Set<string>>();
  if (names.length === 0) return leaving;
  const rows = await db
    .select({ host: hosts.name, account: accounts.name })
    .from(accountMoves)
    .innerJoin(accounts, eq(accounts.id, accountMoves.accountId))
    .innerJoin(hosts, eq(hosts.id, accountMoves.fromHostId))
    .where(inArray(hosts.name, [...names]));
  for (const row of rows) leaving.set(row.host, (leaving.get(row.host) ?? new Set()).add(row.account));
  return leaving;
}

/** Cordons the host and marks it draining; false when it does not exist. */
export async function markHostDraining(db: Db, host: string, message: string): Promise<boolean> {
  const rows = await db.update(hosts).set({ cordoned: true, draining: true, drainMessage: message }).where(eq(hosts.name, host)).returning({ id: hosts.id });
  return rows.length > 0;
}

export async function setDrainMessage(db: Db, hostId: number, message: string, draining = true): Promise<void> {
  await db.update(hosts).set({ drainMessage: message, draining }).where(eq(hosts.id, hostId));
}

export async function listDrainingHosts(db: Db): Promise<{ id: number; name: string; state: string }[]> {
  return db.select({ id: hosts.id, name: hosts.name, state: hosts.state }).from(hosts).where(eq(hosts.draining, true)).orderBy(asc(hosts.name));
}

/** The accounts with services on the host that no move is taking away yet, by name. */
export async function accountsStaying(db: Db, hostId: number): Promise<AccountOnHost[]> {
  const moving = db.select({ id: accountMoves.accountId }).from(accountMoves);
  return db
    .select({ accountId: accounts.id, account: accounts.name, cloud: accounts.cloud, serviceCount: sql<number>`count(*)::int`.mapWith(Number) })
    .from(services)
    .innerJoin(accounts, eq(accounts.id, services.accountId))
    .where(and(eq(services.hostId, hostId), notInArray(accounts.id, moving)))
    .groupBy(accounts.id, accounts.name, accounts.cloud)
    .orderBy(sql`${accounts.name} collate "C"`);
}

/** The move in progress off the host, if any (a drain moves one account at a time). */
export async function moveOffHost(db: Db, hostId: number): Promise<AccountMove | undefined> {
  const to = sql<string>`(select name from hosts target where target.id = ${accountMoves.toHostId})`;
  const serviceCount = sql<number>`(select count(*)::int from services where services.account_id = ${accountMoves.accountId} and services.host_id = ${accountMoves.fromHostId})`.mapWith(Number);
  const [row] = await db
    .select({ accountId: accountMoves.accountId, account: accounts.name, fromHostId: accountMoves.fromHostId, from: hosts.name, toHostId: accountMoves.toHostId, to, stopRevision: accountMoves.stopRevision, startedAt: accountMoves.startedAt, cloud: accounts.cloud, serviceCount })
    .from(accountMoves)
    .innerJoin(accounts, eq(accounts.id, accountMoves.accountId))
    .innerJoin(hosts, eq(hosts.id, accountMoves.fromHostId))
    .where(eq(accountMoves.fromHostId, hostId))
    .limit(1);
  return row;
}

/** First half of a move: the old host's next desired state carries the account's services stopped. */
export async function startAccountMove(db: Db, move: { readonly accountId: number; readonly fromHostId: number; readonly toHostId: number }): Promise<number> {
  return db.transaction(async (tx) => {
    await bumpHostRevisions(tx, [move.fromHostId]);
    const [host] = await tx.select({ revision: hosts.revision }).from(hosts).where(eq(hosts.id, move.fromHostId));
    const stopRevision = host!.revision;
    await tx.insert(accountMoves).values({ ...move, stopRevision });
    return stopRevision;
  });
}

/**
 * True when every service of the move's account still on the old host reports no process there. A
 * service meant to run must have said so since the move began: an older "stopped" may predate a
 * start the agent had not reported yet.
 */
export async function accountStoppedOn(db: Db, move: Pick<AccountMove, "accountId" | "fromHostId" | "startedAt">): Promise<boolean> {
  const notRunning = sql`${serviceStatus.state} in (${sql.join(NOT_RUNNING.map((state) => sql`${state}`), sql`, `)})`;
  const fresh = sql`(${serviceStatus.updatedAt} >= ${move.startedAt} or ${services.desiredState} = 'stopped' or ${services.isDisabled})`;
  const [row] = await db
    .select({ running: sql<number>`count(*)::int`.mapWith(Number) })
    .from(services)
    .leftJoin(serviceStatus, eq(serviceStatus.serviceId, services.id))
    .where(and(eq(services.accountId, move.accountId), eq(services.hostId, move.fromHostId), sql`not coalesce(${notRunning} and ${fresh}, false)`));
  return row!.running === 0;
}

/** Gives a move up: the old host's next desired state runs the account's services again. */
export async function cancelAccountMove(db: Db, move: Pick<AccountMove, "accountId" | "fromHostId">): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(accountMoves).where(eq(accountMoves.accountId, move.accountId));
    await bumpHostRevisions(tx, [move.fromHostId]);
  });
}

/**
 * Second half: the account's services (their ports are the account's and stay) are placed on the
 * target, their old host's status dropped, the account's address released on the old host and
 * allocated on the new one. Returns how many services moved.
 */
export async function finishAccountMove(db: Db, move: AccountMove): Promise<number> {
  return db.transaction(async (tx) => {
    const moved = await tx
      .update(services)
      .set({ hostId: move.toHostId, updatedAt: new Date() })
      .where(and(eq(services.accountId, move.accountId), eq(services.hostId, move.fromHostId)))
      .returning({ id: services.id });
    if (moved.length > 0) await tx.delete(serviceStatus).where(inArray(serviceStatus.serviceId, moved.map((row) => row.id)));
    await tx.delete(accountMoves).where(eq(accountMoves.accountId, move.accountId));
    await bumpHostRevisions(tx, [move.fromHostId, move.toHostId]);
    return moved.length;
  });
}
