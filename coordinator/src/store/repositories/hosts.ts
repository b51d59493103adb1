// Repository functions for hosts: registration by an operator, the agent's hello and heartbeats,
// liveness (marking silent hosts down), cordoning, and listing with service counts.
import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { InvalidInputError } from "@vigil/shared";
import { type Db } from "../db.js";
import { AlreadyExistsError, ConflictError, NotFoundError } from "../errors.js";
import { accounts } from "../tables/accounts.js";
import { hosts } from "../tables/hosts.js";
import { services } from "../tables/services.js";
import { type HostPool, type HostState } from "../vocabulary.js";
import { requireAccountId } from "./accounts.js";
import { type AgentHello, upsertHostsOnHello } from "./host-hellos.js";

export type { AgentHello } from "./host-hellos.js";

export interface HostRecord {
  readonly name: string;
  readonly pool: HostPool;
  /** The owning account of a private host; null for public hosts. */
  readonly ownerAccount: string | null;
  readonly capacity: number;
  readonly state: HostState;
  readonly cordoned: boolean;
  readonly lastSeen: Date | null;
  readonly agentVersion: string;
  readonly limitsMode: string;
  readonly limitsDetail: string;
  /** The account ceiling its agent reported (its pool's config), in the API's input form; {} is none. */
  readonly accountCeiling: Readonly<Record<string, number>>;
  /** Desired-state revision: grows whenever anything this host should run changes. */
  readonly revision: number;
  readonly serviceCount: number;
  /** The IPv6 prefix its agent gives accounts their addresses from ("" : accounts share the host's network). */
  readonly accountAddressPrefix: string;
  /** Why the host takes no new services ("" : none), from its agent's Hello. */
  readonly networkProblem: string;
  /** `host drain` is moving its accounts away. */
  readonly draining: boolean;
  /** The drain's progress, or how the last one ended ("" : never drained). */
  readonly drainMessage: string;
}

export interface HostRegistration {
  readonly name: string;
  readonly pool: HostPool;
  /** Required for private hosts, refused for public ones (a CHECK constraint enforces it). */
  readonly ownerAccount?: string | null;
  readonly capacity?: number;
}

const owner = alias(accounts, "owner");
const hostColumns = {
  name: hosts.name,
  pool: hosts.pool,
  ownerAccount: owner.name,
  capacity: hosts.capacity,
  state: hosts.state,
  cordoned: hosts.cordoned,
  lastSeen: hosts.lastSeen,
  agentVersion: hosts.agentVersion,
  limitsMode: hosts.limitsMode,
  limitsDetail: hosts.limitsDetail,
  accountCeiling: hosts.accountCeiling,
  revision: hosts.revision,
  accountAddressPrefix: hosts.accountAddressPrefix,
  networkProblem: hosts.networkProblem,
  draining: hosts.draining,
  drainMessage: hosts.drainMessage,
  serviceCount: sql<number>`(select count(*)::int from services where services.host_id = ${hosts.id})`.mapWith(Number),
};

function selectHosts(db: Db) {
  return db.select(hostColumns).from(hosts).leftJoin(owner, eq(owner.id, hosts.ownerAccountId));
}

export async function listHosts(db: Db): Promise<HostRecord[]> {
  return selectHosts(db).orderBy(asc(hosts.name));
}

/**
 * The hosts placement may choose for a service of `accountId`: those its services are on, else
 * its own hosts and the public host the policy would pick (up, not cordoned, fewest services,
 * with room for `newServices`, then first by name in code-point order, as placeAccountService orders them), so the policy
 * decides among a few rows instead of every host.
 */
export async function listPlacementCandidates(db: Db, accountId: number, newServices = 1): Promise<{ currentHosts: string[]; hosts: HostRecord[] }> {
  const current = db.selectDistinct({ id: services.hostId }).from(services).where(eq(services.accountId, accountId));
  const placed = await selectHosts(db).where(inArray(hosts.id, current));
  if (placed.length > 0) return { currentHosts: placed.map((host) => host.name), hosts: placed };
  const load = sql`(select count(*) from services where services.host_id = ${hosts.id})`;
  const best = db
    .select({ id: hosts.id })
    .from(hosts)
    .where(and(eq(hosts.pool, "public"), eq(hosts.state, "up"), eq(hosts.cordoned, false), eq(hosts.networkProblem, ""), sql`(${hosts.capacity} = 0 or ${load} + ${newServices} <= ${hosts.capacity})`))
    .orderBy(load, sql`${hosts.name} collate "C"`)
    .limit(1);
  return { currentHosts: [], hosts: await selectHosts(db).where(or(eq(hosts.ownerAccountId, accountId), inArray(hosts.id, best))) };
}

export async function getHost(db: Db, name: string): Promise<HostRecord> {
  const [row] = await selectHosts(db).where(eq(hosts.name, name));
  if (!row) throw hostNotFound(name);
  return row;
}

export async function registerHost(db: Db, registration: HostRegistration): Promise<HostRecord> {
  if ((registration.pool === "private") !== Boolean(registration.ownerAccount)) {
    throw new InvalidInputError([{ field: "owner_account", rule: "is required for private hosts and refused for public ones" }]);
  }
  const ownerAccountId = registration.ownerAccount ? await requireAccountId(db, registration.ownerAccount) : null;
  const [row] = await db
    .insert(hosts)
    .values({ name: registration.name, pool: registration.pool, ownerAccountId, capacity: registration.capacity ?? 0 })
    .onConflictDoNothing({ target: hosts.name })
    .returning({ name: hosts.name });
  if (!row) throw new AlreadyExistsError("name", `host ${registration.name} already exists`);
  return getHost(db, row.name);
}

/** One agent's Hello (upsertHostsOnHello); returns the host as recorded. */
export async function upsertHostOnHello(db: Db, hello: AgentHello): Promise<HostRecord> {
  return db.transaction(async (tx) => {
    await upsertHostsOnHello(tx, [hello]);
    return getHost(tx, hello.name);
  });
}

/** The host's state and when it was last heard from, or null if there is no such host. */
export async function findHostState(db: Db, name: string): Promise<{ readonly state: HostState; readonly lastSeen: Date | null } | null> {
  const [row] = await db.select({ state: hosts.state, lastSeen: hosts.lastSeen }).from(hosts).where(eq(hosts.name, name));
  return row ?? null;
}

/** A heartbeat arrived: the host is up as of `now`. True when it was down until now. */
export async function markHostSeen(db: Db, name: string, now: Date): Promise<boolean> {
  // One statement: a subquery in RETURNING reads the statement's snapshot, so it sees the state before this update.
  const [row] = await db
    .update(hosts)
    .set({ state: "up", lastSeen: now })
    .where(eq(hosts.name, name))
    .returning({ was: sql<string>`(select prior.state from hosts prior where prior.id = "hosts"."id")` });
  if (!row) throw hostNotFound(name);
  return row.was === "down";
}

/** Marks down every up host not seen since `cutoff`; returns their names. */
export async function markHostsDown(db: Db, cutoff: Date): Promise<string[]> {
  const rows = await db
    .update(hosts)
    .set({ state: "down" })
    .where(and(eq(hosts.state, "up"), or(isNull(hosts.lastSeen), lt(hosts.lastSeen, cutoff))))
    .returning({ name: hosts.name });
  return rows.map((row) => row.name).sort();
}

/** A cordoned host keeps what it runs but receives no new placements. */
export async function setHostCordoned(db: Db, name: string, cordoned: boolean): Promise<HostRecord> {
  const updated = await db.update(hosts).set({ cordoned }).where(eq(hosts.name, name)).returning({ name: hosts.name });
  if (updated.length === 0) throw hostNotFound(name);
  return getHost(db, name);
}

export async function requireHostId(db: Db, name: string): Promise<number> {
  const [row] = await db.select({ id: hosts.id }).from(hosts).where(eq(hosts.name, name));
  if (!row) throw hostNotFound(name);
  return row.id;
}

export function hostNotFound(name: string): NotFoundError {
  return new NotFoundError("host", `host ${name} does not exist`);
}

/** Deletes a host that holds no services; refused (conflict) while it holds any. */
export async function removeHost(db: Db, name: string): Promise<void> {
  const host = await getHost(db, name);
  const held = () => new ConflictError("name", `host ${name} holds ${host.serviceCount || "some"} service(s); delete them first`);
  if (host.serviceCount > 0) throw held();
  // The condition is in the statement: a service placed meanwhile keeps its host.
  const deleted = await db
    .delete(hosts)
    .where(and(eq(hosts.name, name), sql`not exists (select 1 from services where services.host_id = ${hosts.id})`))
    .returning({ name: hosts.name });
  if (deleted.length === 0) throw held();
}
