// Reads everything one host should run, with the revision it corresponds to, as the
// coordinator sends it to the host's agent (level-triggered: always the full state). Services of an
// account being moved away by a drain are sent stopped.
import { eq, inArray } from "drizzle-orm";
import { type Db } from "../db.js";
import { accounts } from "../tables/accounts.js";
import { hosts } from "../tables/hosts.js";
import { type AccountRecord } from "./accounts.js";
import { type FirewallRuleRecord, listFirewallRules } from "./firewall.js";
import { getHost } from "./hosts.js";
import { type ServiceRecord } from "./service-rows.js";
import { listServices } from "./services.js";
import { accountsLeaving } from "./account-moves.js";

export interface HostDesiredState {
  readonly host: string;
  readonly revision: number;
  readonly services: readonly { readonly account: AccountRecord; readonly service: ServiceRecord }[];
  /** A private host's owner and its firewall rules (oldest first); null on public hosts, which are not filtered. */
  readonly firewall: { readonly account: string; readonly rules: readonly FirewallRuleRecord[] } | null;
}

/** Call inside a transaction so that the revision and the services are one snapshot. */
export async function getHostDesiredState(db: Db, host: string): Promise<HostDesiredState> {
  const { revision, ownerAccount } = await getHost(db, host);
  const placed = await listServices(db, { host });
  const names = [...new Set(placed.map((service) => service.account))];
  const owners = names.length === 0 ? [] : await db.select().from(accounts).where(inArray(accounts.name, names));
  const byName = new Map(owners.map((account) => [account.name, account]));
  const firewall = ownerAccount === null ? null : { account: ownerAccount, rules: await listFirewallRules(db, ownerAccount) };
  // An account a drain moves away stops here first, so that it never runs on two hosts at once.
  const leaving = await accountsLeaving(db, host);
  const services = placed.map((service) => ({ account: byName.get(service.account)!, service: leaving.has(service.account) ? { ...service, desiredState: "stopped" as const } : service }));
  return { host, revision, services, firewall };
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
