// The accounts table: one hosting customer, its Unix identity on the service hosts and the
// defaults every one of its services inherits.
import { sql } from "drizzle-orm";
import { check, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { CLOUDS } from "../vocabulary.js";
import { oneOf } from "./check-helpers.js";

export const accounts = pgTable(
  "accounts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull().unique(),
    cloud: text("cloud", { enum: CLOUDS }).notNull(),
    unixUser: text("unix_user").notNull(),
    uid: integer("uid").notNull(),
    gid: integer("gid").notNull(),
    home: text("home").notNull(),
    environment: jsonb("environment").$type<Record<string, string>>().notNull().default({}),
    languageVersions: jsonb("language_versions").$type<Record<string, string>>().notNull().default({}),
    /** Caps the sum of the account's services on each host, in the API's input form ({"memory_max": 1073741824}). */
    limits: jsonb("limits").$type<Record<string, number>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check("accounts_cloud_check", oneOf(table.cloud, CLOUDS)),
    check("accounts_uid_check", sql`${table.uid} >= 0 and ${table.gid} >= 0`),
    check("accounts_home_check", sql`${table.home} like '/%'`),
  ],
);
