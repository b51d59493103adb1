// The events table: append-only history of service state changes, and of hosts going down and
// coming back (account and service empty). The primary key is the
// agent's message id, so a redelivered message inserts nothing the second time.
import { bigint, check, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { SERVICE_STATUS_STATES, STORED_EVENT_KINDS } from "@vigil/shared";
import { oneOf } from "./check-helpers.js";

export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    /** Arrival order: breaks ties between events of the same instant and lets watchers resume. */
    position: bigint("position", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    host: text("host").notNull(),
    account: text("account").notNull(),
    service: text("service").notNull(),
    kind: text("kind", { enum: STORED_EVENT_KINDS }).notNull(),
    state: text("state").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    sequence: bigint("sequence", { mode: "number" }).notNull().default(0),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [
    index("events_at_idx").on(table.at),
    index("events_account_at_idx").on(table.account, table.at),
    index("events_service_at_idx").on(table.account, table.service, table.at),
    index("events_host_at_idx").on(table.host, table.at),
    check("events_kind_check", oneOf(table.kind, STORED_EVENT_KINDS)),
    check("events_state_check", oneOf(table.state, SERVICE_STATUS_STATES)),
  ],
);
