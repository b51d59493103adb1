// Services and their events as Admin API messages: definition, placement and live status (a
// service on a down host reads "unknown"), and event history rows as ServiceEvent.
import { type ExitInfo, type ProcessInfo, type ProcessSnapshot, type Service, type ServiceEvent, type ServiceStatus, resourceLimitsToProto } from "@vigil/shared";
import { liveState, type ServiceView } from "../../control/service-view.js";
import { type EventRecord } from "../../store/repositories/events.js";
import { specColumns } from "../../store/repositories/service-rows.js";
import { type ExitRecord } from "../../store/repositories/status.js";
import { epochMs } from "./resource-messages.js";

function exitMessage(exit: ExitRecord | null): ExitInfo | undefined {
  if (!exit) return undefined;
  return { hasCode: exit.code !== null, code: exit.code ?? 0, signal: exit.signal ?? "", atMs: epochMs(exit.at), reason: exit.reason ?? "" };
}

export function processMessage(process: ProcessSnapshot): ProcessInfo {
  return { pid: process.pid, ppid: process.ppid, user: process.user, command: process.command, cpuPercent: process.cpuPercent, rssBytes: process.rssBytes };
}

function statusMessage(view: ServiceView): ServiceStatus {
  const { service, status } = view;
  return {
    service: { account: service.account, name: service.spec.name },
    host: status?.host ?? service.host ?? "",
    state: liveState(view),
    mainPid: status?.mainPid ?? 0,
    startedAtMs: epochMs(status?.startedAt),
    restarts: status?.restarts ?? 0,
    lastExit: exitMessage(status?.lastExit ?? null),
    disabledReason: status?.disabledReason ?? "",
    processes: (status?.processes ?? []).map(processMessage),
    updatedAtMs: epochMs(status?.updatedAt),
    processesOmitted: status?.processesOmitted ?? 0,
    logDegraded: status?.logDegraded ?? false,
    logLinesDropped: status?.logLinesDropped ?? 0,
    taskLimitReached: (status?.taskLimitHits ?? 0) > 0,
    taskLimitHits: status?.taskLimitHits ?? 0,
  };
}

export function serviceMessage(view: ServiceView): Service {
  const { service } = view;
  // The API shows the same flattened spec fields the store keeps.
  const { name, command, workingDirectory, environment, checkHealthCommand, healthCheckIntervalMs, healthCheckTimeoutMs, healthCheckGraceMs, isDisabled, annotation, stopSignal, stopTimeoutMs } =
    specColumns(service.spec);
  return {
    account: service.account,
    name,
    command,
    workingDirectory,
    environment,
    checkHealthCommand,
    healthCheckIntervalMs,
    healthCheckTimeoutMs,
    healthCheckGraceMs,
    isDisabled,
    disabledReason: service.disabledReason,
    annotation,
    ports: [...service.ports],
    host: service.host ?? "",
    revision: service.revision,
    status: statusMessage(view),
    desiredState: service.desiredState,
    stopSignal,
    stopTimeoutMs,
    limits: resourceLimitsToProto(service.spec.limits),
    restartRequired: view.restartRequired ?? false,
    accountAddress: service.accountAddress,
  };
}

function payloadText(payload: Readonly<Record<string, unknown>>, key: string): string {
  const value = payload[key];
  return typeof value === "string" ? value : "";
}

function payloadNumber(payload: Readonly<Record<string, unknown>>, key: string): number {
  const value = payload[key];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function payloadExit(payload: Readonly<Record<string, unknown>>): ExitInfo | undefined {
  const exit = payload["exit"];
  if (typeof exit !== "object" || exit === null) return undefined;
  const fields = exit as Record<string, unknown>;
  // The recorder stores { code: number | null, signal: string | null, atMs }.
  return { hasCode: typeof fields["code"] === "number", code: payloadNumber(fields, "code"), signal: payloadText(fields, "signal"), atMs: payloadNumber(fields, "atMs"), reason: payloadText(payload, "reason") };
}

/** The payload keeps what the agent sent beyond the indexed columns (message, pid, exit…). */
export function eventMessage(record: EventRecord): ServiceEvent {
  const payload = record.payload;
  return {
    id: record.id,
    host: record.host,
    service: { account: record.account, name: record.service },
    kind: record.kind,
    state: record.state,
    atMs: epochMs(record.at),
    message: payloadText(payload, "message"),
    pid: payloadNumber(payload, "pid"),
    exit: payloadExit(payload),
    reason: payloadText(payload, "reason"),
    restarts: payloadNumber(payload, "restarts"),
    delayMs: payloadNumber(payload, "delayMs"),
    output: payloadText(payload, "output"),
    sequence: record.sequence,
  };
}
