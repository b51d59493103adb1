// Maps an agent's ServiceEvent message to what the store records: the event row and the status it
// implies. Kinds or states the store does not know are reported as such, never half-written.
import { asServiceEventKind, asServiceStatusState, type ServiceEvent, type ServiceStatusState } from "@vigil/shared";
import { type ServiceEventInput } from "../store/repositories/events.js";
import { type StatusDetails } from "../store/repositories/status.js";

export type MappedServiceEvent =
  | { readonly kind: "event"; readonly input: ServiceEventInput }
  /** A kind the history does not keep (e.g. "starting"): only the status it implies is applied. */
  | { readonly kind: "status-only"; readonly ref: { account: string; name: string }; readonly state: ServiceStatusState; readonly status: StatusDetails; readonly sequence: number; readonly at: Date }
  | { readonly kind: "invalid"; readonly reason: string };

export function mapServiceEvent(event: ServiceEvent): MappedServiceEvent {
  const account = event.service?.account ?? "";
  const name = event.service?.name ?? "";
  if (event.id === "" || event.host === "" || account === "" || name === "") return { kind: "invalid", reason: "id, host and service are required" };
  const state = asServiceStatusState(event.state);
  if (state === undefined) return { kind: "invalid", reason: `unknown state ${JSON.stringify(event.state)}` };
  const at = new Date(event.atMs);
  const status = statusDetails(event, state, at);
  const kind = asServiceEventKind(event.kind);
  if (kind === undefined) return { kind: "status-only", ref: { account, name }, state, status, sequence: event.sequence, at };
  const payload = {
    message: event.message,
    pid: event.pid,
    reason: event.reason,
    restarts: event.restarts,
    delayMs: event.delayMs,
    output: event.output,
    ...(event.exit && { exit: { code: event.exit.hasCode ? event.exit.code : null, signal: event.exit.signal || null, atMs: event.exit.atMs } }),
  };
  return { kind: "event", input: { id: event.id, host: event.host, account, service: name, kind, state, at, sequence: event.sequence, payload, status } };
}

function statusDetails(event: ServiceEvent, state: ServiceStatusState, at: Date): StatusDetails {
  const exit = event.exit && { code: event.exit.hasCode ? event.exit.code : null, signal: event.exit.signal || null, at: new Date(event.exit.atMs || event.atMs), reason: event.reason };
  return {
    restarts: event.restarts,
    ...(event.kind === "started" && { mainPid: event.pid || null, startedAt: at }),
    ...(state !== "running" && state !== "stopping" && { mainPid: null }),
    ...(exit && { lastExit: exit }),
    disabledReason: state === "disabled" ? event.reason : "",
    ...(event.kind === "log-write-failed" && { logDegraded: true }),
    ...(event.kind === "log-write-recovered" && { logDegraded: false }),
    // The event says the limit is reached (at least one fork refused); heartbeats carry the count. A new run starts from none.
    ...(event.kind === "task-limit-reached" && { taskLimitHits: 1 }),
    ...(event.kind === "started" && { taskLimitHits: 0 }),
  };
}
