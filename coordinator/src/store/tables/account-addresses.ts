// The account_addresses table: the IPv6 address each account has on a public host that gives
// accounts their own (the index-th of the host's prefix). One per account and host, never two alike.
import { sql } from "drizzle-orm";
import { check, integer, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { MAX_ACCOUNT_ADDRESS_INDEX } from "@vigil/shared";
import { accounts } from "./accounts.js";
import { hosts } from "./hosts.js";

export const accountAddresses = pgTable(
  "account_addresses",
  {
    hostId: integer("host_id")
      .notNull()
      .references(() => hosts.id, { onDelete: "cascade" }),
    accountId: integer("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** The host prefix the address was taken from: a host that reports another one gets new addresses. */
    prefix: text("prefix").notNull(),
    addressIndex: integer("address_index").notNull(),
    address: text("address").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: "account_addresses_pkey", columns: [table.hostId, table.accountId] }),
    unique("account_addresses_host_index_key").on(table.hostId, table.addressIndex),
    check("account_addresses_index_check", sql`${table.addressIndex} between 1 and ${sql.raw(String(MAX_ACCOUNT_ADDRESS_INDEX))}`),
  ],
);
