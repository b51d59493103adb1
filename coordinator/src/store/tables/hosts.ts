// The hosts table: one service host running an agent, the pool it serves and the monotonic
// revision of its desired state, bumped whenever anything the host runs changes.
import { sql } from "drizzle-orm";
import { bigint, boolean, check, integer, jsonb, pgSequence, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { HOST_POOLS, HOST_STATES } from "../vocabulary.js";
import { accounts } from "./accounts.js";
import { oneOf } from "./check-helpers.js";

/**
 * One sequence feeds both service revisions and host revisions, so a revision never repeats:
 * a service deleted and created again under the same name still gets a higher revision.
 */
export const revisionSequence = pgSequence("desired_state_revision", { startWith: 1 });
export const nextRevision = sql<number>`nextval('desired_state_revision')`;

export const hosts = pgTable(
  "hosts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull().unique(),
    pool: text("pool", { enum: HOST_POOLS }).notNull(),
    ownerAccountId: integer("owner_account_id").references(() => accounts.id, { onDelete: "restrict" }),
    capacity: integer("capacity").notNull().default(0),
    state: text("state", { enum: HOST_STATES }).notNull().default("down"),
    cordoned: boolean("cordoned").notNull().default(false),
    lastSeen: timestamp("last_seen", { withTimezone: true }),
    agentVersion: text("agent_version").notNull().default(""),
    /** How its agent enforces resource limits ("cgroup-v2", "cgroup-v1", "none"), from its last hello; "" before any. */
    limitsMode: text("limits_mode").notNull().default(""),
    limitsDetail: text("limits_detail").notNull().default(""),
    /** From the agent's Hello: its config's account ceiling, in the API's input form ({"memory_max": ...}); {} is none. */
    accountCeiling: jsonb("account_ceiling").$type<Record<string, number>>().notNull().default({}),
    /** From the agent's Hello: the IPv6 prefix its accounts get addresses from ("" : they share the host's network). */
    accountAddressPrefix: text("account_address_prefix").notNull().default(""),
    /** From the agent's Hello: why the host cannot run services as its config asks ("" : it can). Placement skips it. */
    networkProblem: text("network_problem").notNull().default(""),
    /** `host drain` is moving its accounts away (host-drainer.ts); the host is cordoned meanwhile. */
    draining: boolean("draining").notNull().default(false),
    /** The drain's progress, or how the last one ended, for the operator ("" : never drained). */
    drainMessage: text("drain_message").notNull().default(""),
    revision: bigint("revision", { mode: "number" }).notNull().default(nextRevision),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check("hosts_pool_check", oneOf(table.pool, HOST_POOLS)),
    check("hosts_state_check", oneOf(table.state, HOST_STATES)),
    check("hosts_owner_check", sql`(${table.pool} = 'private') = (${table.ownerAccountId} is not null)`),
    check("hosts_capacity_check", sql`${table.capacity} >= 0`),
  ],
);
