// Start, stop or restart every service a selector matches: start/stop is one transaction and one
// desired-state push per host; restart is one RestartServices command per host, sent in parallel.
import { type ServiceRef } from "@vigil/shared";
import { type Store } from "../store/open-store.js";
import { type ServiceRecord } from "../store/repositories/service-rows.js";
import { selectMatchingServices, setDesiredStateOfSelection } from "../store/repositories/service-selection.js";
import { type AgentCommands, type DesiredStateNotifier } from "./control-ports.js";
import { asControlErrors, HostUnavailableError } from "./control-errors.js";
import { type BulkAction, type ServiceSelector } from "./service-selector.js";

export interface ServiceFailure {
  readonly service: ServiceRef;
  readonly error: string;
}

export interface BulkResult {
  /** Every matched service, by account then name. */
  readonly services: ServiceRef[];
  /** start/stop: services whose desired state changed; restart: services restarted. */
  readonly changed: number;
  /** restart: services that could not be restarted. */
  readonly failures: ServiceFailure[];
}

export interface BulkControlPorts {
  readonly store: Store;
  readonly agents: AgentCommands;
  readonly notifier: DesiredStateNotifier;
  readonly commandTimeoutMs: number;
}

const refOf = (record: ServiceRecord): ServiceRef => ({ account: record.account, name: record.spec.name });

export async function controlSelection(ports: BulkControlPorts, selector: ServiceSelector, action: BulkAction): Promise<BulkResult> {
  const filter = { account: selector.account, namePattern: selector.namePattern };
  if (action !== "restart") {
    const change = await asControlErrors(() => setDesiredStateOfSelection(ports.store.db, filter, action === "start" ? "running" : "stopped"));
    ports.notifier.hostsChanged(change.hosts);
    return { services: change.matched.map(refOf), changed: change.changed, failures: [] };
  }
  const matched = await asControlErrors(() => selectMatchingServices(ports.store.db, filter));
  // A stopped or disabled service is left alone: restarting it would start what the user stopped.
  const byHost = new Map<string | null, ServiceRecord[]>();
  for (const record of matched.filter((candidate) => candidate.desiredState === "running" && !candidate.spec.isDisabled)) {
    byHost.set(record.host, [...(byHost.get(record.host) ?? []), record]);
  }
  const perHost = await Promise.all([...byHost].map(([host, records]) => restartOnHost(ports, host, records)));
  const failures = perHost.flat();
  const attempted = [...byHost.values()].reduce((sum, records) => sum + records.length, 0);
  return { services: matched.map(refOf), changed: attempted - failures.length, failures };
}

async function restartOnHost(ports: BulkControlPorts, host: string | null, records: readonly ServiceRecord[]): Promise<ServiceFailure[]> {
  const services = records.map(refOf);
  const failAll = (error: string) => services.map((service) => ({ service, error }));
  if (host === null) return failAll(new HostUnavailableError(host, "restart").message);
  // Each restart may wait for its stop timeout before the SIGKILL; they run at the same time.
  const timeoutMs = ports.commandTimeoutMs + Math.max(...records.map((record) => record.spec.stopTimeoutMs));
  try {
    const result = await ports.agents.send(host, { $case: "restartServices", value: { services } }, timeoutMs);
    if (!result.ok) return failAll(result.errorMessage || `restart failed (${result.errorCode})`);
    const errors = result.result?.$case === "serviceErrors" ? result.result.value.errors : [];
    return errors.map((error) => ({ service: { account: error.service?.account ?? "", name: error.service?.name ?? "" }, error: error.message }));
  } catch (error) {
    if (error instanceof HostUnavailableError) return failAll(new HostUnavailableError(host, "restart").message);
    return failAll(error instanceof Error ? error.message : String(error));
  }
}
