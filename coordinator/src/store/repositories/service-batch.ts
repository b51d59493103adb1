// Creating many services of one account on one host with a fixed number of statements (one
// insert, one port read and insert, one revision bump, one read back), whatever their count.
import { type CompiledServiceSpec } from "@vigil/shared";
import { and, eq, inArray } from "drizzle-orm";
import { type Db } from "../db.js";
import { AlreadyExistsError } from "../errors.js";
import { services } from "../tables/services.js";
import { requireHostId } from "./hosts.js";
import { allocateServicePorts, type PortRequest } from "./ports.js";
import { bumpHostRevisions } from "./revisions.js";
import { selectServiceRecords, type ServiceRecord, specColumns } from "./service-rows.js";

export interface BatchServiceItem {
  readonly spec: CompiledServiceSpec;
  /** Default: one port, the lowest free. */
  readonly ports?: PortRequest | undefined;
  readonly disabledReason: string;
}

export interface ServiceBatch {
  readonly account: string;
  /** The account's id, its row locked by the caller's transaction (port allocation relies on it). */
  readonly accountId: number;
  readonly host: string;
  readonly items: readonly BatchServiceItem[];
}

/** Call inside a transaction: a failure leaves a partial batch that only a rollback undoes. Errors name `services[i].<field>`. */
export async function insertServiceBatch(tx: Db, batch: ServiceBatch): Promise<ServiceRecord[]> {
  const names = batch.items.map((item) => item.spec.name);
  const firstOf = new Map<string, number>();
  names.forEach((name, index) => {
    const first = firstOf.get(name);
    if (first !== undefined) throw new AlreadyExistsError(`services[${index}].name`, `${name} is also services[${first}].name`);
    firstOf.set(name, index);
  });
  const hostId = await requireHostId(tx, batch.host);
  const rows = await tx
    .insert(services)
    .values(batch.items.map((item) => ({ ...specColumns(item.spec), accountId: batch.accountId, hostId, desiredState: "running" as const, disabledReason: item.disabledReason })))
    .onConflictDoNothing({ target: [services.accountId, services.name] })
    .returning({ id: services.id, name: services.name });
  const idOf = new Map(rows.map((row) => [row.name, row.id]));
  const clash = names.findIndex((name) => !idOf.has(name));
  if (clash >= 0) throw new AlreadyExistsError(`services[${clash}].name`, `service ${names[clash]} already exists in account ${batch.account}`);
  await allocateServicePorts(
    tx,
    batch.account,
    batch.accountId,
    batch.items.map((item) => ({ serviceId: idOf.get(item.spec.name)!, request: item.ports ?? {} })),
  );
  await bumpHostRevisions(tx, [hostId]);
  const records = await selectServiceRecords(tx, and(eq(services.accountId, batch.accountId), inArray(services.id, [...idOf.values()])));
  const byName = new Map(records.map((record) => [record.spec.name, record]));
  return names.map((name) => byName.get(name)!);
}
