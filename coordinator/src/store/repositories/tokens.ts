// Repository functions for API tokens: issue (the plaintext is returned once and only its
// SHA-256 is stored), verify a presented token, revoke, and list without secrets.
import { createHash, randomBytes } from "node:crypto";
import { InvalidInputError } from "@vigil/shared";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { type Db } from "../db.js";
import { NotFoundError } from "../errors.js";
import { apiTokens } from "../tables/api-tokens.js";
import { type TokenScope } from "../vocabulary.js";
import { requireAccountId } from "./accounts.js";

export interface TokenInput {
  readonly scope: TokenScope;
  /** Account name (account scope), host name (host scope), "" or absent (operator scope). */
  readonly subject?: string;
  readonly description?: string;
}

export interface TokenRecord {
  readonly id: string;
  readonly scope: TokenScope;
  readonly subject: string;
  readonly description: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface IssuedToken {
  /** The bearer token itself: shown to its owner once, never stored. */
  readonly token: string;
  readonly record: TokenRecord;
}

/** Who a valid token acts for. */
export interface TokenIdentity {
  readonly id: string;
  readonly scope: TokenScope;
  readonly subject: string;
}

const TOKEN_PREFIX = "vigil_";
const recordColumns = {
  id: apiTokens.id,
  scope: apiTokens.scope,
  subject: apiTokens.subject,
  description: apiTokens.description,
  createdAt: apiTokens.createdAt,
  revokedAt: apiTokens.revokedAt,
};

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createToken(db: Db, input: TokenInput): Promise<IssuedToken> {
  const subject = input.subject ?? "";
  if (input.scope === "operator" && subject !== "") throw new InvalidInputError([{ field: "subject", rule: "must be empty for operator tokens" }]);
  if (input.scope !== "operator" && subject === "") throw new InvalidInputError([{ field: "subject", rule: `must name the ${input.scope} the token acts for` }]);
  if (input.scope === "account") await requireAccountId(db, subject);
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const id = `tok_${randomBytes(8).toString("hex")}`;
  const [record] = await db
    .insert(apiTokens)
    .values({ id, hash: hashToken(token), scope: input.scope, subject, description: input.description ?? "" })
    .returning(recordColumns);
  return { token, record: record! };
}

/** The identity of a known, unrevoked token, or null for anything else. */
export async function verifyToken(db: Db, token: string): Promise<TokenIdentity | null> {
  return (await verifyTokens(db, [token])).get(token) ?? null;
}

/** verifyToken of many presented tokens in one query; an invalid one is absent from the map. */
export async function verifyTokens(db: Db, tokens: readonly string[]): Promise<Map<string, TokenIdentity>> {
  const byHash = new Map(tokens.filter((token) => token.startsWith(TOKEN_PREFIX)).map((token) => [hashToken(token), token]));
  if (byHash.size === 0) return new Map();
  const rows = await db
    .select({ id: apiTokens.id, scope: apiTokens.scope, subject: apiTokens.subject, hash: apiTokens.hash })
    .from(apiTokens)
    .where(and(inArray(apiTokens.hash, [...byHash.keys()]), isNull(apiTokens.revokedAt)));
  return new Map(rows.map(({ hash, ...identity }) => [byHash.get(hash)!, identity]));
}

/** Revokes the token; revoking it again keeps the first revocation time. */
export async function revokeToken(db: Db, id: string, now: Date = new Date()): Promise<TokenRecord> {
  await db.update(apiTokens).set({ revokedAt: now }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
  const [record] = await db.select(recordColumns).from(apiTokens).where(eq(apiTokens.id, id));
  if (!record) throw new NotFoundError("id", `token ${id} does not exist`);
  return record;
}

/** Which of `ids` are revoked (or no longer exist); one query however many. */
export async function revokedTokenIds(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const live = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(inArray(apiTokens.id, [...ids]), isNull(apiTokens.revokedAt)));
  const liveIds = new Set(live.map((row) => row.id));
  return ids.filter((id) => !liveIds.has(id));
}

export async function listTokens(db: Db, filter: { readonly scope?: TokenScope; readonly subject?: string } = {}): Promise<TokenRecord[]> {
  return db
    .select(recordColumns)
    .from(apiTokens)
    .where(and(filter.scope && eq(apiTokens.scope, filter.scope), filter.subject === undefined ? undefined : eq(apiTokens.subject, filter.subject)))
    .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
}

/** Revokes the token if it still is live; true for the one caller that did (a single-use token's use). */
export async function consumeToken(db: Db, id: string, now: Date = new Date()): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length === 1;
}

/** The identity of a live token by its id (a host certificate names its credential by id). */
export async function liveTokenById(db: Db, id: string): Promise<TokenIdentity | null> {
  return (await liveTokensById(db, [id])).get(id) ?? null;
}

/** liveTokenById of many ids in one query; a revoked or unknown one is absent from the map. */
export async function liveTokensById(db: Db, ids: readonly string[]): Promise<Map<string, TokenIdentity>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: apiTokens.id, scope: apiTokens.scope, subject: apiTokens.subject })
    .from(apiTokens)
    .where(and(inArray(apiTokens.id, [...ids]), isNull(apiTokens.revokedAt)));
  return new Map(rows.map((row) => [row.id, row]));
}

/** Revokes every live token of a subject in a scope (a removed host's credentials). */
export async function revokeSubjectTokens(db: Db, scope: TokenScope, subject: string, now: Date = new Date()): Promise<number> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.scope, scope), eq(apiTokens.subject, subject), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length;
}
