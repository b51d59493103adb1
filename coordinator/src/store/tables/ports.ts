// The port_allocations table: which ports of an account's 8300-8499 range are taken, and by
// which service (none when allocated on its own through the API).
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, timestamp } from "drizzle-orm/pg-core";
import { PORT_RANGE } from "../vocabulary.js";
import { accounts } from "./accounts.js";
import { services } from "./services.js";

export const portAllocations = pgTable(
  "port_allocations",
  {
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    port: integer("port").notNull(),
    /** Deleting the service deletes the row: its ports go back to the account's free range. */
    serviceId: integer("service_id").references(() => services.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: "port_allocations_pkey", columns: [table.accountId, table.port] }),
    index("port_allocations_service_idx").on(table.serviceId),
    check("port_allocations_port_check", sql`${table.port} between ${sql.raw(String(PORT_RANGE.first))} and ${sql.raw(String(PORT_RANGE.last))}`),
  ],
);
