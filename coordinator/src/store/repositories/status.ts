// Repository functions for observed service status: apply a report (from an event or a
// heartbeat) unless a newer one already arrived, read it, and mark a down host's services unknown.
import { type ProcessSnapshot, type ServiceStatusState } from "@vigil/shared";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { type Db } from "../db.js";
import { accounts } from "../tables/accounts.js";
import { hosts } from "../tables/hosts.js";
import { serviceStatus } from "../tables/service-status.js";
import { services } from "../tables/services.js";
import { requireHostId } from "./hosts.js";
import { type ServiceRef } from "./service-rows.js";
import { getService } from "./services.js";

export interface ExitRecord {
  readonly code: number | null;
  readonly signal: string | null;
  readonly at: Date;
  /** "oom-killed", "task-limit", a health check's reason; "" or absent for a plain exit. */
  readonly reason?: string;
}

/** Fields a report may carry besides its state; absent fields keep their stored value. */
export interface StatusDetails {
  readonly mainPid?: number | null;
  readonly startedAt?: Date | null;
  readonly restarts?: number;
  readonly lastExit?: ExitRecord | null;
  readonly disabledReason?: string;
  readonly processes?: readonly ProcessSnapshot[];
  readonly processesOmitted?: number;
  readonly logDegraded?: boolean;
  readonly logLinesDropped?: number;
  readonly taskLimitHits?: number;
}

export interface StatusReport extends StatusDetails {
  /** The reporting host. */
  readonly host: string;
  readonly state: ServiceStatusState;
  readonly at: Date;
  /** The agent's sequence number at the time of the report (0 if unknown). */
  readonly sequence?: number;
}

export interface ServiceStatusRecord {
  readonly account: string;
  readonly service: string;
  /** The host that last reported it. */
  readonly host: string;
  readonly state: ServiceStatusState;
  readonly mainPid: number | null;
  readonly startedAt: Date | null;
  readonly restarts: number;
  readonly lastExit: ExitRecord | null;
  readonly disabledReason: string;
  readonly processes: ProcessSnapshot[];
  readonly processesOmitted: number;
  readonly logDegraded: boolean;
  readonly logLinesDropped: number;
  readonly taskLimitHits: number;
  readonly updatedAt: Date;
  readonly lastEventSequence: number;
}

/**
 * Upserts the status of service `serviceId`. A report from the host that reported last applies
 * only if its sequence is not older, so a late redelivery never overwrites newer status.
 */
export async function applyStatus(db: Db, serviceId: number, report: StatusReport): Promise<boolean> {
  const sequence = report.sequence ?? 0;
  const values = {
    state: report.state,
    updatedAt: report.at,
    sourceHost: report.host,
    lastEventSequence: sequence,
    ...(report.mainPid !== undefined && { mainPid: report.mainPid }),
    ...(report.startedAt !== undefined && { startedAt: report.startedAt }),
    ...(report.restarts !== undefined && { restarts: report.restarts }),
    ...(report.lastExit !== undefined && { lastExitCode: report.lastExit?.code ?? null, lastExitSignal: report.lastExit?.signal ?? null, lastExitAt: report.lastExit?.at ?? null, lastExitReason: report.lastExit?.reason ?? "" }),
    ...(report.disabledReason !== undefined && { disabledReason: report.disabledReason }),
    ...(report.processes !== undefined && { processes: [...report.processes] }),
    ...(report.processesOmitted !== undefined && { processesOmitted: report.processesOmitted }),
    ...(report.logDegraded !== undefined && { logDegraded: report.logDegraded }),
    ...(report.logLinesDropped !== undefined && { logLinesDropped: report.logLinesDropped }),
    ...(report.taskLimitHits !== undefined && { taskLimitHits: report.taskLimitHits }),
  };
  const applied = await db
    .insert(serviceStatus)
    .values({ serviceId, ...values })
    .onConflictDoUpdate({
      target: serviceStatus.serviceId,
      set: values,
      setWhere: sql`${serviceStatus.sourceHost} <> ${report.host} or ${serviceStatus.lastEventSequence} <= ${sequence}`,
    })
    .returning({ serviceId: serviceStatus.serviceId });
  return applied.length > 0;
}

/** A heartbeat's status of one service; false if it was older than what is stored. */
export async function reportServiceStatus(db: Db, ref: ServiceRef, report: StatusReport): Promise<boolean> {
  const service = await getService(db, ref);
  return applyStatus(db, service.id, report);
}

/** The service's status, or null before its agent first reported it. */
export async function getServiceStatus(db: Db, ref: ServiceRef): Promise<ServiceStatusRecord | null> {
  await getService(db, ref);
  const [record] = await selectStatuses(db, and(eq(accounts.name, ref.account), eq(services.name, ref.name)));
  return record ?? null;
}

/** Statuses of an account's services and/or of the services placed on a host. */
export async function listServiceStatuses(db: Db, filter: { readonly account?: string; readonly host?: string } = {}): Promise<ServiceStatusRecord[]> {
  return selectStatuses(
    db,
    and(filter.account === undefined ? undefined : eq(accounts.name, filter.account), filter.host === undefined ? undefined : eq(hosts.name, filter.host)),
  );
}

/** Its host is down: whatever its services last reported is stale, so they become "unknown". */
export async function markHostServicesUnknown(db: Db, host: string, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const hostId = await requireHostId(tx, host);
    const placed = await tx.select({ id: services.id }).from(services).where(eq(services.hostId, hostId));
    if (placed.length === 0) return 0;
    const unknown = { state: "unknown" as const, updatedAt: now };
    await tx
      .insert(serviceStatus)
      .values(placed.map(({ id }) => ({ serviceId: id, sourceHost: host, ...unknown })))
      .onConflictDoUpdate({ target: serviceStatus.serviceId, set: unknown });
    return placed.length;
  });
}

async function selectStatuses(db: Db, where: SQL | undefined): Promise<ServiceStatusRecord[]> {
  const rows = await db
    .select({ status: serviceStatus, account: accounts.name, service: services.name })
    .from(serviceStatus)
    .innerJoin(services, eq(services.id, serviceStatus.serviceId))
    .innerJoin(accounts, eq(accounts.id, services.accountId))
    .leftJoin(hosts, eq(hosts.id, services.hostId))
    .where(where)
    .orderBy(asc(accounts.name), asc(services.name));
  return rows.map(({ status, account, service }) => ({
    account,
    service,
    host: status.sourceHost,
    state: status.state,
    mainPid: status.mainPid,
    startedAt: status.startedAt,
    restarts: status.restarts,
    lastExit: status.lastExitAt ? { code: status.lastExitCode, signal: status.lastExitSignal, at: status.lastExitAt, reason: status.lastExitReason } : null,
    disabledReason: status.disabledReason,
    processes: status.processes,
    processesOmitted: status.processesOmitted,
    logDegraded: status.logDegraded,
    logLinesDropped: status.logLinesDropped,
    taskLimitHits: status.taskLimitHits,
    updatedAt: status.updatedAt,
    lastEventSequence: status.lastEventSequence,
  }));
}
