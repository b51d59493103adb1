// Repository functions for an account's firewall rules. The rules reach the agents of the
// account's hosts, so every change bumps those hosts' desired-state revisions.
import { type CompiledFirewallRule, FIREWALL_MAX_RULES } from "@vigil/shared";
import { and, asc, count, eq } from "drizzle-orm";
import { type Db } from "../db.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { accounts } from "../tables/accounts.js";
import { firewallRules } from "../tables/firewall-rules.js";
import { requireAccountId } from "./accounts.js";
import { bumpAccountHostRevisions } from "./revisions.js";

/** A rule as the API compiled it; hosts and ports as written (empty means any). */
export type FirewallRuleInput = Pick<CompiledFirewallRule, "protocol" | "action" | "direction" | "hosts" | "ports" | "ipVersion"> & { readonly annotation?: string };

export interface FirewallRuleRecord extends Required<FirewallRuleInput> {
  readonly id: string;
  readonly account: string;
  readonly createdAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ruleColumns = {
  id: firewallRules.id,
  account: accounts.name,
  protocol: firewallRules.protocol,
  action: firewallRules.action,
  direction: firewallRules.direction,
  hosts: firewallRules.hosts,
  ports: firewallRules.ports,
  ipVersion: firewallRules.ipVersion,
  annotation: firewallRules.annotation,
  createdAt: firewallRules.createdAt,
};

export async function createFirewallRule(db: Db, account: string, rule: FirewallRuleInput): Promise<FirewallRuleRecord> {
  return db.transaction(async (tx) => {
    // Locked, so that concurrent creations take turns and the limit holds.
    const accountId = await requireAccountId(tx, account, { lock: true });
    const [counted] = await tx.select({ rules: count() }).from(firewallRules).where(eq(firewallRules.accountId, accountId));
    if ((counted?.rules ?? 0) >= FIREWALL_MAX_RULES) throw new ConflictError("rule", `account ${account} already has ${FIREWALL_MAX_RULES} firewall rules, the most one account may have (they all go into each of its hosts' rulesets); delete one first`);
    const [row] = await tx
      .insert(firewallRules)
      .values({ ...rule, hosts: [...rule.hosts], ports: [...rule.ports], accountId })
      .returning({ id: firewallRules.id, createdAt: firewallRules.createdAt });
    await bumpAccountHostRevisions(tx, accountId);
    return { ...rule, hosts: [...rule.hosts], ports: [...rule.ports], annotation: rule.annotation ?? "", account, id: row!.id, createdAt: row!.createdAt };
  });
}

export async function listFirewallRules(db: Db, account: string): Promise<FirewallRuleRecord[]> {
  await requireAccountId(db, account);
  return db
    .select(ruleColumns)
    .from(firewallRules)
    .innerJoin(accounts, eq(accounts.id, firewallRules.accountId))
    .where(eq(accounts.name, account))
    .orderBy(asc(firewallRules.createdAt), asc(firewallRules.id));
}

/** Deletes a rule of this account; another account's rule id is "not found", never touched. */
export async function deleteFirewallRule(db: Db, account: string, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const accountId = await requireAccountId(tx, account);
    const deleted = UUID.test(id)
      ? await tx
          .delete(firewallRules)
          .where(and(eq(firewallRules.id, id), eq(firewallRules.accountId, accountId)))
          .returning({ id: firewallRules.id })
      : [];
    if (deleted.length === 0) throw new NotFoundError("id", `firewall rule ${id} does not exist in account ${account}`);
    await bumpAccountHostRevisions(tx, accountId);
  });
}
