// A service as the API shows it: its definition and placement with its live status, where the
// status of a service whose host is down reads "unknown", never a stale "running".
import { type ServiceStatusState } from "@vigil/shared";
import { type ServiceRecord } from "../store/repositories/service-rows.js";
import { type ServiceStatusRecord } from "../store/repositories/status.js";
import { type HostState } from "../store/vocabulary.js";

export interface ServiceView {
  readonly service: ServiceRecord;
  /** Null until its agent first reported it. */
  readonly status: ServiceStatusRecord | null;
  /** The state of the host it is placed on; null when unplaced. */
  readonly hostState: HostState | null;
  /** Set on the answer to an update: the change takes effect only once the service restarts (the agent restarts it). */
  readonly restartRequired?: boolean;
}

/** What the service is doing as far as the coordinator knows. */
export function liveState(view: ServiceView): ServiceStatusState {
  if (view.hostState === "down") return "unknown";
  return view.status?.state ?? "unknown";
}

export function toServiceView(service: ServiceRecord, status: ServiceStatusRecord | null, hostState: HostState | null): ServiceView {
  if (hostState === "down" && status !== null) {
    return { service, status: { ...status, state: "unknown", mainPid: null, processes: [] }, hostState };
  }
  return { service, status, hostState };
}
