// Keeps account_addresses equal to what public hosts run: an account with services on a host whose
// agent reports an account prefix has one address there (the lowest free index); one whose last
// service left has none. Runs inside the transaction that changed the services, after the hosts'
// rows were locked by their revision bump, so allocations on one host take turns and never collide.
import { accountAddressAt, accountAddressCapacity, parseAccountPrefix } from "@vigil/shared";
import { and, eq, inArray, ne, notInArray, sql } from "drizzle-orm";
import { type Db } from "../db.js";
import { ConflictError } from "../errors.js";
import { accountAddresses } from "../tables/account-addresses.js";
import { accounts } from "../tables/accounts.js";
import { hosts } from "../tables/hosts.js";
import { services } from "../tables/services.js";

export async function syncAccountAddresses(db: Db, hostIds: readonly number[]): Promise<void> {
  if (hostIds.length === 0) return;
  // Hosts without a prefix and without addresses (every host where accounts share the network) cost this one query.
  const holdsAddresses = sql`exists (select 1 from ${accountAddresses} where ${accountAddresses.hostId} = ${hosts.id})`;
  const rows = await db
    .select({ id: hosts.id, name: hosts.name, pool: hosts.pool, prefix: hosts.accountAddressPrefix })
    .from(hosts)
    .where(and(inArray(hosts.id, [...hostIds]), sql`(${ne(hosts.accountAddressPrefix, "")} or ${holdsAddresses})`));
  for (const host of rows) {
    const parsed = host.pool === "public" && host.prefix !== "" ? parseAccountPrefix(host.prefix) : undefined;
    const prefix = typeof parsed === "object" ? parsed : undefined;
    const placed = db.selectDistinct({ id: services.accountId }).from(services).where(eq(services.hostId, host.id));
    // Released: accounts whose last service left, and every address of a prefix the host no longer has.
    await db
      .delete(accountAddresses)
      .where(and(eq(accountAddresses.hostId, host.id), sql`(${notInArray(accountAddresses.accountId, placed)} or ${ne(accountAddresses.prefix, prefix?.text ?? "")})`));
    if (prefix === undefined) continue;
    const missing = await db
      .selectDistinct({ id: services.accountId })
      .from(services)
      .where(and(eq(services.hostId, host.id), notInArray(services.accountId, db.select({ id: accountAddresses.accountId }).from(accountAddresses).where(eq(accountAddresses.hostId, host.id)))))
      .orderBy(services.accountId);
    if (missing.length === 0) continue;
    const taken = new Set((await db.select({ index: accountAddresses.addressIndex }).from(accountAddresses).where(eq(accountAddresses.hostId, host.id))).map((row) => row.index));
    const capacity = accountAddressCapacity(prefix);
    let index = 0;
    const values = missing.map(({ id }) => {
      do index += 1;
      while (taken.has(index));
      if (index > capacity) throw new ConflictError("host", `host ${host.name} has no free account address in ${prefix.text} (${capacity} accounts at most)`);
      return { hostId: host.id, accountId: id, prefix: prefix.text, addressIndex: index, address: accountAddressAt(prefix, index) };
    });
    await db.insert(accountAddresses).values(values);
  }
}

/** The address of each account on `host` (public hosts with an account prefix), by account name. */
export async function accountAddressesOnHost(db: Db, host: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ account: accounts.name, address: accountAddresses.address })
    .from(accountAddresses)
    .innerJoin(hosts, eq(hosts.id, accountAddresses.hostId))
    .innerJoin(accounts, eq(accounts.id, accountAddresses.accountId))
    .where(eq(hosts.name, host));
  return new Map(rows.map((row) => [row.account, row.address]));
}
