// Reads everything one host should run, with the revision it corresponds to, as the
// coordinator sends it to the host's agent (level-triggered: always the full state). Services of an
// account being moved away by a drain are sent stopped.
import { eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { type Db } from "../db.js";
import { accounts } from "../tables/accounts.js";
import { hosts } from "../tables/hosts.js";
import { type AccountRecord } from "./accounts.js";
import { type FirewallRuleRecord, listFirewallRules } from "./firewall.js";
import { hostNotFound } from "./hosts.js";
import { type ServiceRecord } from "./service-rows.js";
import { selectServiceRecords } from "./service-rows.js";
import { accountsLeavingHosts } from "./account-moves.js";

const owner = alias(accounts, "owner");

export interface HostDesiredState {
  readonly host: string;
  readonly revision: number;
  readonly services: readonly { readonly account: AccountRecord; readonly service: ServiceRecord }[];
  /** A private host's owner and its firewall rules (oldest first); null on public hosts, which are not filtered. */
  readonly firewall: { readonly account: string; readonly rules: readonly FirewallRuleRecord[] } | null;
}

/** Call inside a transaction so that the revision and the services are one snapshot. */
export async function getHostDesiredState(db: Db, host: string): Promise<HostDesiredState> {
  const state = (await getHostDesiredStates(db, [host])).get(host);
  if (state === undefined) throw hostNotFound(host);
  return state;
}

/**
 * getHostDesiredState of many hosts in a fixed number of queries (a fleet reconnecting at once must
 * not cost a handful of queries per host); a host that does not exist is absent from the map.
 */
export async function getHostDesiredStates(db: Db, names: readonly string[]): Promise<Map<string, HostDesiredState>> {
  const states = new Map<string, HostDesiredState>();
  if (names.length === 0) return states;
  const heads = await db
    .select({ name: hosts.name, revision: hosts.revision, ownerAccount: owner.name })
    .from(hosts)
    .leftJoin(owner, eq(owner.id, hosts.ownerAccountId))
    .where(inArray(hosts.name, [...names]));
  const placed = await selectServiceRecords(db, inArray(hosts.name, heads.map((head) => head.name)));
  const accountNames = [...new Set(placed.map((service) => service.account))];
  const owners = accountNames.length === 0 ? [] : await db.select().from(accounts).where(inArray(accounts.name, accountNames));
  const byName = new Map(owners.map((account) => [account.name, account]));
  // An account a drain moves away stops here first, so that it never runs on two hosts at once.
  const leaving = await accountsLeavingHosts(db, heads.map((head) => head.name));
  const rulesOf = new Map<string, FirewallRuleRecord[]>();
  for (const head of heads) {
    if (head.ownerAccount !== null && !rulesOf.has(head.ownerAccount)) rulesOf.set(head.ownerAccount, await listFirewallRules(db, head.ownerAccount));
  }
  for (const head of heads) {
    const gone = leaving.get(head.name);
    const services = placed
      .filter((service) => service.host === head.name)
      .map((service) => ({ account: byName.get(service.account)!, service: gone?.has(service.account) ? { ...service, desiredState: "stopped" as const } : service }));
    const firewall = head.ownerAccount === null ? null : { account: head.ownerAccount, rules: rulesOf.get(head.ownerAccount)! };
    states.set(head.name, { host: head.name, revision: head.revision, services, firewall });
  }
  return states;
}

/** The current revision alone, for comparing with what an agent acknowledged. */
export async function getHostRevision(db: Db, host: string): Promise<number | null> {
  const [row] = await db.select({ revision: hosts.revision }).from(hosts).where(eq(hosts.name, host));
  return row?.revision ?? null;
}

/** The current revisions of many hosts in one query (the hub's resync of every connected host). */
export async function getHostRevisions(db: Db, names: readonly string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const rows = await db.select({ name: hosts.name, revision: hosts.revision }).from(hosts).where(inArray(hosts.name, [...names]));
  return new Map(rows.map((row) => [row.name, row.revision]));
}
