// The services table: a compiled service spec, what the user wants of it (desired state,
// disabled with a reason), where it is placed and its revision.
import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { DESIRED_STATES } from "../vocabulary.js";
import { accounts } from "./accounts.js";
import { oneOf } from "./check-helpers.js";
import { hosts, nextRevision } from "./hosts.js";

export const services = pgTable(
  "services",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    command: text("command").notNull(),
    workingDirectory: text("working_directory").notNull().default(""),
    environment: jsonb("environment").$type<Record<string, string>>().notNull().default({}),
    /** "" means no health check; the interval, timeout and grace are then unused. */
    checkHealthCommand: text("check_health_command").notNull().default(""),
    healthCheckIntervalMs: integer("health_check_interval_ms").notNull(),
    healthCheckTimeoutMs: integer("health_check_timeout_ms").notNull(),
    healthCheckGraceMs: integer("health_check_grace_ms").notNull(),
    stopSignal: text("stop_signal").notNull(),
    stopTimeoutMs: integer("stop_timeout_ms").notNull(),
    annotation: text("annotation").notNull().default(""),
    /** The service's own resource limits, in the API's input form ({"tasks_max": 256}); {} is none. */
    limits: jsonb("limits").$type<Record<string, number>>().notNull().default({}),
    desiredState: text("desired_state", { enum: DESIRED_STATES }).notNull().default("running"),
    isDisabled: boolean("is_disabled").notNull().default(false),
    disabledReason: text("disabled_reason").notNull().default(""),
    hostId: integer("host_id").references(() => hosts.id, { onDelete: "set null" }),
    revision: bigint("revision", { mode: "number" }).notNull().default(nextRevision),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique("services_account_name_unique").on(table.accountId, table.name),
    index("services_host_idx").on(table.hostId),
    check("services_name_check", sql`${table.name} ~ '^[a-z][a-z0-9-]{0,62}$'`),
    check("services_desired_state_check", oneOf(table.desiredState, DESIRED_STATES)),
    check("services_timings_check", sql`least(${table.healthCheckIntervalMs}, ${table.healthCheckTimeoutMs}, ${table.healthCheckGraceMs}, ${table.stopTimeoutMs}) >= 0`),
  ],
);
