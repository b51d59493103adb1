// Converts between a services row and the compiled service spec the rest of the system uses,
// and selects services with their account, host and ports as one ServiceRecord.
import { type CompiledServiceSpec, resourceLimitsToInput } from "@vigil/shared";
import { asc, eq, sql, type SQL } from "drizzle-orm";
import { type Db } from "../db.js";
import { accounts } from "../tables/accounts.js";
import { hosts } from "../tables/hosts.js";
import { services } from "../tables/services.js";
import { type DesiredState } from "../vocabulary.js";
import { limitsFromColumn } from "./limits-column.js";

export interface ServiceRef {
  readonly account: string;
  readonly name: string;
}

export interface ServiceRecord {
  readonly id: number;
  readonly account: string;
  readonly spec: CompiledServiceSpec;
  readonly desiredState: DesiredState;
  /** Why it is disabled ("" when enabled): e.g. "user" or the agent's crash-loop reason. */
  readonly disabledReason: string;
  /** Where it is placed; null until placement. */
  readonly host: string | null;
  readonly ports: number[];
  /** The account's own IPv6 address on the service's host ("" : the host gives accounts none). */
  readonly accountAddress: string;
  /** From one database-wide sequence: grows on every change and never repeats. */
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

type SpecColumns = Pick<
  typeof services.$inferInsert,
  | "name"
  | "command"
  | "workingDirectory"
  | "environment"
  | "checkHealthCommand"
  | "healthCheckIntervalMs"
  | "healthCheckTimeoutMs"
  | "healthCheckGraceMs"
  | "stopSignal"
  | "stopTimeoutMs"
  | "annotation"
  | "isDisabled"
  | "limits"
>;

export function specColumns(spec: CompiledServiceSpec): Required<SpecColumns> {
  return {
    name: spec.name,
    command: spec.command,
    workingDirectory: spec.workingDirectory,
    environment: { ...spec.environment },
    checkHealthCommand: spec.healthCheck?.command ?? "",
    healthCheckIntervalMs: spec.healthCheck?.intervalMs ?? 0,
    healthCheckTimeoutMs: spec.healthCheck?.timeoutMs ?? 0,
    healthCheckGraceMs: spec.healthCheck?.graceMs ?? 0,
    stopSignal: spec.stopSignal,
    stopTimeoutMs: spec.stopTimeoutMs,
    annotation: spec.annotation,
    isDisabled: spec.isDisabled,
    limits: resourceLimitsToInput(spec.limits),
  };
}

const recordColumns = {
  row: services,
  account: accounts.name,
  host: hosts.name,
  ports: sql<number[]>`coalesce((select array_agg(port order by port) from port_allocations where service_id = ${services.id}), '{}')`,
  accountAddress: sql<string>`coalesce((select address from account_addresses where host_id = ${services.hostId} and account_id = ${services.accountId}), '')`,
};

type RecordRow = { row: typeof services.$inferSelect; account: string; host: string | null; ports: number[]; accountAddress: string };

function toRecord({ row, account, host, ports, accountAddress }: RecordRow): ServiceRecord {
  const healthCheck = row.checkHealthCommand === "" ? null : { command: row.checkHealthCommand, intervalMs: row.healthCheckIntervalMs, timeoutMs: row.healthCheckTimeoutMs, graceMs: row.healthCheckGraceMs };
  const spec: CompiledServiceSpec = {
    name: row.name,
    command: row.command,
    workingDirectory: row.workingDirectory,
    environment: row.environment,
    healthCheck,
    isDisabled: row.isDisabled,
    annotation: row.annotation,
    stopSignal: row.stopSignal,
    stopTimeoutMs: row.stopTimeoutMs,
    limits: limitsFromColumn(row.limits),
  };
  return { id: row.id, account, spec, desiredState: row.desiredState, disabledReason: row.disabledReason, host, ports: ports.map(Number), accountAddress, revision: row.revision, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/** Services matching `where`, ordered by account then name. */
export async function selectServiceRecords(db: Db, where: SQL | undefined): Promise<ServiceRecord[]> {
  const rows = await db
    .select(recordColumns)
    .from(services)
    .innerJoin(accounts, eq(accounts.id, services.accountId))
    .leftJoin(hosts, eq(hosts.id, services.hostId))
    .where(where)
    .orderBy(asc(accounts.name), asc(services.name));
  return rows.map(toRecord);
}
