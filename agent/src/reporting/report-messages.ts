// Builds the BusMessages an agent publishes from what supervision says: one ServiceEvent per
// transition, a HostHeartbeat with every service's status, and ProcessMetrics.
import { type BusMessage, type ExitInfo, type ServiceStatus as ServiceStatusMessage } from "@vigil/shared";
import { type EventExit, type SupervisionEvent } from "../events/service-event.js";
import { type ServiceStatus } from "../reconciler/host-supervisor.js";

export interface MessageStamp {
  readonly id: string;
  readonly host: string;
  /** Orders reports of this host across agent restarts: milliseconds * 1000 + a counter. */
  readonly sequence: number;
}

function exitInfo(exit: EventExit | null): ExitInfo | undefined {
  if (exit === null) return undefined;
  return { hasCode: exit.code !== null, code: exit.code ?? 0, signal: exit.signal ?? "", atMs: exit.at };
}

export function serviceEventMessage(event: SupervisionEvent, stamp: MessageStamp): BusMessage {
  return {
    body: {
      $case: "serviceEvent",
      value: {
        id: stamp.id,
        host: stamp.host,
        service: { account: event.account, name: event.service },
        kind: event.kind,
        state: event.state,
        atMs: event.at,
        message: event.message,
        pid: event.pid ?? 0,
        exit: exitInfo(event.exit),
        reason: event.reason,
        restarts: event.restarts,
        delayMs: event.delayMs,
        output: event.output,
        sequence: stamp.sequence,
      },
    },
  };
}

export function statusMessage(status: ServiceStatus, host: string, now: number): ServiceStatusMessage {
  return {
    service: { account: status.account, name: status.service },
    host,
    state: status.state,
    mainPid: status.mainPid ?? 0,
    startedAtMs: status.startedAt ?? 0,
    restarts: status.restarts,
    lastExit: exitInfo(status.lastExit),
    disabledReason: status.disabledReason,
    processes: status.processes.map((process) => ({ ...process })),
    updatedAtMs: now,
  };
}

export function heartbeatMessage(statuses: readonly ServiceStatus[], stamp: MessageStamp, now: number, agentVersion: string, appliedRevision: number): BusMessage {
  return { body: { $case: "heartbeat", value: { id: stamp.id, host: stamp.host, atMs: now, agentVersion, appliedRevision, services: statuses.map((status) => statusMessage(status, stamp.host, now)) } } };
}

export function metricsMessage(statuses: readonly ServiceStatus[], stamp: MessageStamp, now: number): BusMessage {
  return {
    body: {
      $case: "metrics",
      value: {
        id: stamp.id,
        host: stamp.host,
        atMs: now,
        services: statuses.map((status) => ({ service: { account: status.account, name: status.service }, processes: status.processes.map((process) => ({ ...process })) })),
      },
    },
  };
}
