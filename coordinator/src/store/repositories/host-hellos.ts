// The agents' Hellos as the hosts table records them, many at once: a fleet reconnecting to a
// surviving coordinator registers in a few statements per batch instead of a few per host.
import { asc, inArray, sql } from "drizzle-orm";
import { type AnyPgColumn } from "drizzle-orm/pg-core";
import { NO_LIMITS, parseAccountPrefix, type ResourceLimits, resourceLimitsToInput } from "@vigil/shared";
import { type Db } from "../db.js";
import { hosts } from "../tables/hosts.js";
import { type HostPool, type HostState } from "../vocabulary.js";
import { bumpHostRevisions } from "./revisions.js";

export interface AgentHello {
  readonly name: string;
  readonly agentVersion: string;
  readonly capacity: number;
  readonly now: Date;
  readonly limitsMode?: string;
  readonly limitsDetail?: string;
  /** The account ceiling of the host's config, compiled (absent: an agent that does not report one). */
  readonly accountCeiling?: ResourceLimits;
  /** What the agent reported about account namespaces; absent: an agent that predates them (none). */
  readonly network?: { readonly accountAddressPrefix: string; readonly namespaces: boolean; readonly detail: string };
  /** What the agent reported about nftables; absent: not reported. A private host needs it for its account's firewall. */
  readonly firewall?: { readonly nftables: boolean; readonly detail: string };
}

/** A host as it was before its Hello was recorded; null: the Hello created it. */
export type HostBeforeHello = { readonly state: HostState; readonly lastSeen: Date | null } | null;

/** The new value of an upsert's row, in ON CONFLICT DO UPDATE. */
const excluded = (column: AnyPgColumn) => sql.raw(`excluded."${column.name}"`);

/**
 * Agents said hello: creates each host that is new (public pool), marks it up and seen, and records
 * how it enforces limits, its account prefix and whether it can give accounts their namespaces. A
 * changed prefix bumps the host's revision, which gives its accounts addresses from the new prefix.
 * An agent that states no capacity (0) keeps the one the operator set. Of two Hellos of one host,
 * the later counts. Call inside a transaction; rows are locked in name order, so replicas
 * registering overlapping batches do not deadlock.
 */
export async function upsertHostsOnHello(db: Db, hellos: readonly AgentHello[]): Promise<Map<string, HostBeforeHello>> {
  const latest = [...new Map(hellos.map((hello) => [hello.name, hello])).values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (latest.length === 0) return new Map();
  const names = latest.map((hello) => hello.name);
  const before = await db
    .select({ id: hosts.id, name: hosts.name, prefix: hosts.accountAddressPrefix, pool: hosts.pool, state: hosts.state, lastSeen: hosts.lastSeen })
    .from(hosts)
    .where(inArray(hosts.name, names))
    .orderBy(asc(hosts.name))
    .for("update");
  const beforeByName = new Map(before.map((row) => [row.name, row]));
  const rows = latest.map((hello) => {
    const network = helloNetwork(hello, beforeByName.get(hello.name)?.pool ?? "public");
    return { name: hello.name, pool: "public" as const, state: "up" as const, lastSeen: hello.now, agentVersion: hello.agentVersion, limitsMode: hello.limitsMode ?? "", limitsDetail: hello.limitsDetail ?? "", accountCeiling: resourceLimitsToInput(hello.accountCeiling ?? NO_LIMITS), capacity: hello.capacity, ...network };
  });
  await db
    .insert(hosts)
    .values(rows)
    .onConflictDoUpdate({
      target: hosts.name,
      set: {
        state: excluded(hosts.state),
        lastSeen: excluded(hosts.lastSeen),
        agentVersion: excluded(hosts.agentVersion),
        limitsMode: excluded(hosts.limitsMode),
        limitsDetail: excluded(hosts.limitsDetail),
        accountCeiling: excluded(hosts.accountCeiling),
        accountAddressPrefix: excluded(hosts.accountAddressPrefix),
        networkProblem: excluded(hosts.networkProblem),
        capacity: sql`case when ${excluded(hosts.capacity)} > 0 then ${excluded(hosts.capacity)} else ${hosts.capacity} end`,
      },
    });
  const changedPrefix = rows.flatMap((row) => {
    const was = beforeByName.get(row.name);
    return was !== undefined && was.prefix !== row.accountAddressPrefix ? [was.id] : [];
  });
  await bumpHostRevisions(db, changedPrefix);
  return new Map(names.map((name) => {
    const was = beforeByName.get(name);
    return [name, was === undefined ? null : { state: was.state, lastSeen: was.lastSeen }];
  }));
}

/**
 * The prefix only when the agent can use it; otherwise the problem, in words for the operator. A
 * private host must also enforce its account's firewall: without usable nftables it takes nothing.
 */
function helloNetwork(hello: AgentHello, pool: HostPool): { accountAddressPrefix: string; networkProblem: string } {
  if (pool === "private" && hello.firewall !== undefined && !hello.firewall.nftables) {
    return { accountAddressPrefix: "", networkProblem: `this private host cannot enforce its account's firewall: nftables is unusable (${hello.firewall.detail || "no reason given"})` };
  }
  const reported = hello.network;
  if (reported === undefined || reported.accountAddressPrefix === "") return { accountAddressPrefix: "", networkProblem: "" };
  const parsed = parseAccountPrefix(reported.accountAddressPrefix);
  if (typeof parsed === "string") return { accountAddressPrefix: "", networkProblem: `account_address_prefix ${parsed}` };
  if (!reported.namespaces) return { accountAddressPrefix: "", networkProblem: `account_address_prefix ${parsed.text} is set but this host cannot give accounts network namespaces: ${reported.detail || "no reason given"}` };
  return { accountAddressPrefix: parsed.text, networkProblem: "" };
}
