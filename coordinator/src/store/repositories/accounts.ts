// Repository functions for accounts: create, look up, list, and change the defaults that every
// service of the account inherits (which changes the desired state of the hosts running them).
import { asc, eq } from "drizzle-orm";
import { type ResourceLimits, resourceLimitsToInput } from "@vigil/shared";
import { type Db } from "../db.js";
import { AlreadyExistsError, NotFoundError } from "../errors.js";
import { accounts } from "../tables/accounts.js";
import { type Cloud } from "../vocabulary.js";
import { bumpAccountHostRevisions } from "./revisions.js";

export type AccountRecord = typeof accounts.$inferSelect;

export interface AccountInput {
  readonly name: string;
  readonly cloud: Cloud;
  readonly unixUser: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly languageVersions?: Readonly<Record<string, string>>;
  readonly limits?: ResourceLimits;
}

export interface AccountDefaults {
  readonly environment?: Readonly<Record<string, string>>;
  readonly languageVersions?: Readonly<Record<string, string>>;
  readonly limits?: ResourceLimits;
}

export async function createAccount(db: Db, input: AccountInput): Promise<AccountRecord> {
  const [row] = await db
    .insert(accounts)
    .values({ ...input, environment: { ...input.environment }, languageVersions: { ...input.languageVersions }, limits: input.limits ? resourceLimitsToInput(input.limits) : {} })
    .onConflictDoNothing({ target: accounts.name })
    .returning();
  if (!row) throw new AlreadyExistsError("name", `account ${input.name} already exists`);
  return row;
}

export async function findAccount(db: Db, name: string): Promise<AccountRecord | null> {
  const [row] = await db.select().from(accounts).where(eq(accounts.name, name));
  return row ?? null;
}

export async function getAccount(db: Db, name: string): Promise<AccountRecord> {
  const row = await findAccount(db, name);
  if (!row) throw accountNotFound(name);
  return row;
}

export async function listAccounts(db: Db): Promise<AccountRecord[]> {
  return db.select().from(accounts).orderBy(asc(accounts.name));
}

/** Changes the account's defaults; every host it reaches gets a new revision (their names are returned, to be told). */
export async function updateAccountDefaults(db: Db, name: string, defaults: AccountDefaults): Promise<{ readonly account: AccountRecord; readonly hosts: string[] }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(accounts)
      .set({
        ...(defaults.environment && { environment: { ...defaults.environment } }),
        ...(defaults.languageVersions && { languageVersions: { ...defaults.languageVersions } }),
        ...(defaults.limits && { limits: resourceLimitsToInput(defaults.limits) }),
      })
      .where(eq(accounts.name, name))
      .returning();
    if (!row) throw accountNotFound(name);
    return { account: row, hosts: await bumpAccountHostRevisions(tx, row.id) };
  });
}

/**
 * The account's id, optionally with its row locked until the transaction ends: port allocation
 * locks it so that concurrent allocations in one account take turns instead of colliding.
 */
export async function requireAccountId(db: Db, name: string, options: { lock?: boolean } = {}): Promise<number> {
  const query = db.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, name));
  const [row] = await (options.lock ? query.for("update") : query);
  if (!row) throw accountNotFound(name);
  return row.id;
}

export function accountNotFound(name: string): NotFoundError {
  return new NotFoundError("account", `account ${name} does not exist`);
}
