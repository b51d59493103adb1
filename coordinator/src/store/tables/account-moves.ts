// The account_moves table: an account a drain is moving off a host. While its row exists the old
// host is sent the account's services as stopped; once they are, they are placed on the target.
import { bigint, integer, pgTable, timestamp } from "drizzle-orm/pg-core";
import { accounts } from "./accounts.js";
import { hosts } from "./hosts.js";

export const accountMoves = pgTable("account_moves", {
  /** One move per account at a time: all of an account's services share one host. */
  accountId: integer("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  fromHostId: integer("from_host_id")
    .notNull()
    .references(() => hosts.id, { onDelete: "cascade" }),
  toHostId: integer("to_host_id")
    .notNull()
    .references(() => hosts.id, { onDelete: "cascade" }),
  /** The old host's revision that first carried the services as stopped: an agent that acknowledged it has stopped them. */
  stopRevision: bigint("stop_revision", { mode: "number" }).notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
});
