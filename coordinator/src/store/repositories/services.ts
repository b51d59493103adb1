// Repository functions for services: create (with its ports, in one transaction), read, list,
// replace the spec, delete (releasing its ports); every change bumps the revisions involved.
import { type CompiledServiceSpec } from "@vigil/shared";
import { and, eq, inArray, type SQL } from "drizzle-orm";
import { type Db } from "../db.js";
import { AlreadyExistsError, ConflictError, NotFoundError } from "../errors.js";
import { accounts } from "../tables/accounts.js";
import { hosts, nextRevision } from "../tables/hosts.js";
import { services } from "../tables/services.js";
import { type DesiredState } from "../vocabulary.js";
import { requireAccountId } from "./accounts.js";
import { requireHostId } from "./hosts.js";
import { allocatePorts, type PortRequest } from "./ports.js";
import { bumpHostRevisions } from "./revisions.js";
import { selectServiceRecords, type ServiceRecord, type ServiceRef, specColumns } from "./service-rows.js";

export interface CreateServiceInput {
  readonly account: string;
  readonly spec: CompiledServiceSpec;
  /** Default: one port, the lowest free. */
  readonly ports?: PortRequest;
  readonly desiredState?: DesiredState;
  readonly disabledReason?: string;
  /** The placement, when already decided. */
  readonly host?: string | null;
}

export interface ServiceFilter {
  readonly account?: string;
  /** Services placed on this host. */
  readonly host?: string;
}

export async function createService(db: Db, input: CreateServiceInput): Promise<ServiceRecord> {
  return db.transaction(async (tx) => {
    const accountId = await requireAccountId(tx, input.account);
    const hostId = input.host ? await requireHostId(tx, input.host) : null;
    const [row] = await tx
      .insert(services)
      .values({ ...specColumns(input.spec), accountId, hostId, desiredState: input.desiredState ?? "running", disabledReason: input.disabledReason ?? "" })
      .onConflictDoNothing({ target: [services.accountId, services.name] })
      .returning({ id: services.id });
    if (!row) throw new AlreadyExistsError("name", `service ${input.spec.name} already exists in account ${input.account}`);
    await allocatePorts(tx, input.account, input.ports ?? {}, row.id);
    await bumpHostRevisions(tx, [hostId]);
    return getService(tx, { account: input.account, name: input.spec.name });
  });
}

export async function findService(db: Db, ref: ServiceRef): Promise<ServiceRecord | null> {
  const [record] = await selectServiceRecords(db, and(eq(accounts.name, ref.account), eq(services.name, ref.name)));
  return record ?? null;
}

export async function getService(db: Db, ref: ServiceRef): Promise<ServiceRecord> {
  const record = await findService(db, ref);
  if (!record) throw serviceNotFound(ref);
  return record;
}

export async function listServices(db: Db, filter: ServiceFilter = {}): Promise<ServiceRecord[]> {
  return selectServiceRecords(
    db,
    and(filter.account === undefined ? undefined : eq(accounts.name, filter.account), filter.host === undefined ? undefined : eq(hosts.name, filter.host)),
  );
}

/** Locks the service's row until the transaction ends (SELECT ... FOR UPDATE); NOT_FOUND if there is none. */
export async function lockService(db: Db, ref: ServiceRef): Promise<void> {
  const [row] = await db.select({ id: services.id }).from(services).where(matchRef(db, ref)).for("update");
  if (!row) throw serviceNotFound(ref);
}

/** Replaces the spec (the name cannot change); bumps the service's and its host's revision. */
export async function updateService(db: Db, ref: ServiceRef, spec: CompiledServiceSpec): Promise<ServiceRecord> {
  if (spec.name !== ref.name) throw new ConflictError("name", `a service cannot be renamed (${ref.name} -> ${spec.name}); create a new one`);
  return changeService(db, ref, specColumns(spec));
}

/** Deletes the service; its ports and status go with it (ON DELETE CASCADE). */
export async function deleteService(db: Db, ref: ServiceRef): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(services).where(matchRef(tx, ref)).returning({ hostId: services.hostId });
    if (!row) throw serviceNotFound(ref);
    await bumpHostRevisions(tx, [row.hostId]);
  });
}

/**
 * Applies `values` to the service and bumps its revision and its host's. With `onlyIf`, a
 * service for which the condition is false is left as it is and returned unchanged.
 */
export async function changeService(db: Db, ref: ServiceRef, values: Partial<typeof services.$inferInsert>, onlyIf?: SQL): Promise<ServiceRecord> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(services)
      .set({ ...values, revision: nextRevision, updatedAt: new Date() })
      .where(and(matchRef(tx, ref), onlyIf))
      .returning({ hostId: services.hostId });
    if (row) await bumpHostRevisions(tx, [row.hostId]);
    return getService(tx, ref);
  });
}

/** Matches the service named by `ref` in an UPDATE or DELETE, which cannot join. */
export function matchRef(db: Db, ref: ServiceRef): SQL | undefined {
  const accountId = db.select({ id: accounts.id }).from(accounts).where(eq(accounts.name, ref.account));
  return and(eq(services.name, ref.name), inArray(services.accountId, accountId));
}

export function serviceNotFound(ref: ServiceRef): NotFoundError {
  return new NotFoundError("service", `service ${ref.account}/${ref.name} does not exist`);
}
