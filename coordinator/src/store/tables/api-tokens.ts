// The api_tokens table: bearer tokens, stored only as their SHA-256, with the scope and the
// subject (account or host name) they act for. Revoked tokens stay for the audit trail.
import { sql } from "drizzle-orm";
import { check, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { TOKEN_SCOPES } from "../vocabulary.js";
import { oneOf } from "./check-helpers.js";

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    hash: text("hash").notNull().unique(),
    scope: text("scope", { enum: TOKEN_SCOPES }).notNull(),
    /** Account name for account tokens, host name for host tokens, "" for operator tokens. */
    subject: text("subject").notNull(),
    description: text("description").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [
    check("api_tokens_scope_check", oneOf(table.scope, TOKEN_SCOPES)),
    check("api_tokens_subject_check", sql`(${table.scope} = 'operator') = (${table.subject} = '')`),
    check("api_tokens_hash_check", sql`${table.hash} ~ '^[0-9a-f]{64}$'`),
  ],
);
