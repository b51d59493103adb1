// Builds the BusMessages an agent publishes from what supervision says: one ServiceEvent per
// transition, a HostHeartbeat with every service's status, and ProcessMetrics; the process lists of the
// last two are bounded (boundProcesses) so that no account can push them past the bus's payload limit.
import { type BusMessage, type ExitInfo, type OutboxCounters, type ServiceStatus as ServiceStatusMessage } from "@vigil/shared";
import { type EventExit, type SupervisionEvent } from "../events/service-event.js";
import { type ServiceStatus } from "../reconciler/host-supervisor.js";
import { type BoundedProcesses, boundProcesses } from "./bound-statuses.js";

export interface MessageStamp {
  readonly id: string;
  readonly host: string;
  /** Orders reports of this host across agent restarts: milliseconds * 1000 + a counter. */
  readonly sequence: number;
}

function exitInfo(exit: EventExit | null): ExitInfo | undefined {
  if (exit === null) return undefined;
  // The reason travels as the event's own reason; status has none of its own.
  return { hasCode: exit.code !== null, code: exit.code ?? 0, signal: exit.signal ?? "", atMs: exit.at, reason: "" };
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

export function statusMessage(status: ServiceStatus, host: string, now: number, bounded: BoundedProcesses = { processes: status.processes, omitted: 0 }): ServiceStatusMessage {
  return {
    service: { account: status.account, name: status.service },
    host,
    state: status.state,
    mainPid: status.mainPid ?? 0,
    startedAtMs: status.startedAt ?? 0,
    restarts: status.restarts,
    lastExit: exitInfo(status.lastExit),
    disabledReason: status.disabledReason,
    processes: bounded.processes.map((process) => ({ ...process })),
    updatedAtMs: now,
    processesOmitted: bounded.omitted,
    logDegraded: status.logDegraded,
    logLinesDropped: status.logLinesDropped,
    taskLimitReached: status.taskLimitHits > 0,
    taskLimitHits: status.taskLimitHits,
  };
}

export interface HeartbeatFacts {
  readonly agentVersion: string;
  readonly appliedRevision: number;
  readonly outbox: OutboxCounters;
}

export function heartbeatMessage(statuses: readonly ServiceStatus[], stamp: MessageStamp, now: number, facts: HeartbeatFacts): BusMessage {
  const bounded = boundProcesses(statuses.map((status) => status.processes));
  const services = statuses.map((status, i) => statusMessage(status, stamp.host, now, bounded[i]));
  return { body: { $case: "heartbeat", value: { id: stamp.id, host: stamp.host, atMs: now, agentVersion: facts.agentVersion, appliedRevision: facts.appliedRevision, services, outbox: facts.outbox } } };
}

export function metricsMessage(statuses: readonly ServiceStatus[], stamp: MessageStamp, now: number): BusMessage {
  return {
    body: {
      $case: "metrics",
      value: {
        id: stamp.id,
        host: stamp.host,
        atMs: now,
        services: boundProcesses(statuses.map((status) => status.processes)).map((bounded, i) => ({
          service: { account: statuses[i]!.account, name: statuses[i]!.service },
          processes: bounded.processes.map((process) => ({ ...process })),
        })),
      },
    },
  };
}
