// The firewall_rules table: an account's rules for its private-cloud hosts, enforced by the
// agent with nftables. Addresses and ports are kept as the user wrote them, validated at the edge.
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { FIREWALL_ACTIONS, FIREWALL_DIRECTIONS, FIREWALL_PROTOCOLS, IP_VERSIONS } from "../vocabulary.js";
import { accounts } from "./accounts.js";
import { oneOf } from "./check-helpers.js";

export const firewallRules = pgTable(
  "firewall_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    protocol: text("protocol", { enum: FIREWALL_PROTOCOLS }).notNull(),
    action: text("action", { enum: FIREWALL_ACTIONS }).notNull(),
    direction: text("direction", { enum: FIREWALL_DIRECTIONS }).notNull(),
    hosts: text("hosts").array().notNull().default(sql`'{}'::text[]`),
    ports: text("ports").array().notNull().default(sql`'{}'::text[]`),
    ipVersion: text("ip_version", { enum: IP_VERSIONS }).notNull(),
    annotation: text("annotation").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("firewall_rules_account_idx").on(table.accountId),
    check("firewall_rules_protocol_check", oneOf(table.protocol, FIREWALL_PROTOCOLS)),
    check("firewall_rules_action_check", oneOf(table.action, FIREWALL_ACTIONS)),
    check("firewall_rules_direction_check", oneOf(table.direction, FIREWALL_DIRECTIONS)),
    check("firewall_rules_ip_version_check", oneOf(table.ipVersion, IP_VERSIONS)),
  ],
);
