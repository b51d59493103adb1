// The application layer: every use case the Admin API and AgentLink share — create (compile,
// place, allocate ports, insert in one transaction), update, delete, desired state, enable/disable,
// imperative commands to the host's agent, and reads with live status. Errors are ControlErrors.
import { type CommandResult, type CompiledServiceSpec, compileServiceSpec, type FieldError, type ProcessInfo, type ServiceSpecInput, type ServiceSpecPatch, type UntrustedInput, type UpdateAccountRequest } from "@vigil/shared";
import { type Store } from "../store/open-store.js";
import { type FirewallRuleInput, type FirewallRuleRecord } from "../store/repositories/firewall.js";
import { type PortRequest } from "../store/repositories/ports.js";
import { type ServiceRef } from "../store/repositories/service-rows.js";
import { getHost } from "../store/repositories/hosts.js";
import { type BulkResult, controlSelection } from "./bulk-control.js";
import { createServicePlaced, createServicesPlaced } from "./create-service.js";
import { type AgentAction, type AgentCommands, type DesiredStateNotifier } from "./control-ports.js";
import { asControlErrors, ControlError, controlCodeFromStatusName, HostUnavailableError, InvalidArgumentError } from "./control-errors.js";
import { createFirewallRuleFor, deleteFirewallRuleFor } from "./firewall-rules.js";
import { updateAccountLimitsFor } from "./account-limits.js";
import { type AccountRecord } from "../store/repositories/accounts.js";
import { readServiceView, readServiceViews } from "./read-services.js";
import { type ServiceView, toServiceView } from "./service-view.js";
import { compileBulkAction, compileSelector, type ServiceSelectorInput } from "./service-selector.js";
import { applyDesiredState, applyDisabled, applySpecPatch, deleteServiceRow } from "./service-changes.js";

export interface CreateServiceRequest {
  readonly account: string;
  /** Untrusted: compiled with compileServiceSpec; errors name the field. */
  readonly spec: ServiceSpecInput | UntrustedInput;
  /** Default: one port, the lowest free of the account's range. */
  readonly ports?: PortRequest;
}

export interface CreateServicesRequest {
  readonly account: string;
  readonly services: readonly { readonly spec: ServiceSpecInput | UntrustedInput; readonly ports?: PortRequest | undefined }[];
}

/** The most services one CreateServices call may carry. */
export const MAX_BATCH_SERVICES = 500;

export interface ServiceListFilter {
  readonly account?: string;
  readonly host?: string;
}

/** Where a reader of a service's log stands: a log file (its inode on the host) and a byte offset in it. */
export interface LogPosition {
  /** 0: the current file, whichever it is. */
  readonly fileId: number;
  readonly offset: number;
}

export interface LogChunk {
  readonly lines: readonly string[];
  /** Just after the last line, for reading on (following a log), also across rotations. */
  readonly next: LogPosition;
}

/** Disabled by a user through the API, as opposed to "crash-loop" reported by an agent. */
export const USER_DISABLED_REASON = "user";
/** How long an imperative command may take before the caller gets DEADLINE_EXCEEDED. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 15_000;

export interface ControlPlaneOptions {
  readonly store: Store;
  readonly agents: AgentCommands;
  readonly notifier: DesiredStateNotifier;
  readonly commandTimeoutMs?: number;
}

export class ControlPlane {
  readonly #store: Store;
  readonly #agents: AgentCommands;
  readonly #notifier: DesiredStateNotifier;
  readonly #commandTimeoutMs: number;

  constructor(options: ControlPlaneOptions) {
    this.#store = options.store;
    this.#agents = options.agents;
    this.#notifier = options.notifier;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  async createService(request: CreateServiceRequest): Promise<ServiceView> {
    const compiled = compileServiceSpec(request.spec);
    if (!compiled.ok) throw new InvalidArgumentError(compiled.errors);
    const spec = compiled.value;
    const created = await asControlErrors(() => createServicePlaced(this.#store, { account: request.account, spec, ports: request.ports }));
    return this.#changed(created.host, { account: request.account, name: spec.name });
  }

  /** All or nothing, in one transaction; errors name the item (`services[3].command`). */
  async createServices(request: CreateServicesRequest): Promise<ServiceView[]> {
    const items = compileBatch(request.services);
    const created = await asControlErrors(() => createServicesPlaced(this.#store, { account: request.account, items }));
    const host = created[0]?.host ?? null;
    this.#notifier.hostsChanged([host]);
    // Just created: no agent has reported on them yet, so they carry no status.
    const hostState = host === null ? null : await asControlErrors(async () => (await getHost(this.#store.db, host)).state);
    return created.map((service) => toServiceView(service, null, hostState));
  }

  /**
   * Partial update: only the fields present change; the result is compiled like a create. With
   * `expectedRevision`, FAILED_PRECONDITION if the service changed since the caller read it.
   * `restartRequired` says whether the running service must restart for the change to apply
   * (limits alone are applied to it live).
   */
  async updateService(ref: ServiceRef, patch: ServiceSpecPatch | UntrustedInput, expectedRevision?: number): Promise<ServiceView> {
    const outcome = await asControlErrors(() => applySpecPatch(this.#store, ref, patch, expectedRevision, USER_DISABLED_REASON));
    if (!outcome.changed) return this.getService(ref);
    return { ...(await this.#changed(outcome.service.host, ref)), restartRequired: outcome.restartRequired };
  }

  async deleteService(ref: ServiceRef): Promise<void> {
    const host = await asControlErrors(() => deleteServiceRow(this.#store, ref));
    this.#notifier.hostsChanged([host]);
  }

  async startService(ref: ServiceRef): Promise<ServiceView> {
    const updated = await asControlErrors(() => applyDesiredState(this.#store, ref, "running"));
    return this.#changed(updated.host, ref);
  }

  async stopService(ref: ServiceRef): Promise<ServiceView> {
    const updated = await asControlErrors(() => applyDesiredState(this.#store, ref, "stopped"));
    return this.#changed(updated.host, ref);
  }

  async enableService(ref: ServiceRef): Promise<ServiceView> {
    const updated = await asControlErrors(() => applyDisabled(this.#store, ref, null));
    return this.#changed(updated.host, ref);
  }

  /** Disables with `reason` (default "user"); the agent stops it and keeps it stopped. */
  async disableService(ref: ServiceRef, reason: string = USER_DISABLED_REASON): Promise<ServiceView> {
    const updated = await asControlErrors(() => applyDisabled(this.#store, ref, reason.trim() === "" ? USER_DISABLED_REASON : reason));
    return this.#changed(updated.host, ref);
  }

  /** SIGHUP to the service's processes, then a fresh start (DESIGN.md "A service"). */
  async restartService(ref: ServiceRef): Promise<ServiceView> {
    await this.#command(ref, "restart", (service) => ({ $case: "restart", value: { service } }));
    return this.getService(ref);
  }

  async signalService(ref: ServiceRef, signal: string, options: { readonly mainProcessOnly?: boolean } = {}): Promise<ServiceView> {
    if (!/^SIG[A-Z0-9]+$/.test(signal)) throw new InvalidArgumentError([{ field: "signal", rule: "must be a signal name such as SIGUSR1" }]);
    await this.#command(ref, "signal", (service) => ({ $case: "signal", value: { service, signal, wholeService: !options.mainProcessOnly } }));
    return this.getService(ref);
  }

  /** The last `lines` lines of the service's log. */
  async tailLog(ref: ServiceRef, lines: number): Promise<LogChunk> {
    const result = await this.#command(ref, "tail log", (service) => ({ $case: "tailLog", value: { service, lines } }));
    return logChunk(result);
  }

  /** Up to `maxLines` lines after `from` (follow: pass the previous chunk's next). */
  async readLog(ref: ServiceRef, from: LogPosition, maxLines: number): Promise<LogChunk> {
    const result = await this.#command(ref, "read log", (service) => ({ $case: "readLog", value: { service, offset: from.offset, fileId: from.fileId, maxLines } }));
    return logChunk(result);
  }

  async listProcesses(ref: ServiceRef): Promise<ProcessInfo[]> {
    const result = await this.#command(ref, "list processes", (service) => ({ $case: "listProcesses", value: { service } }));
    return result.result?.$case === "processes" ? result.result.value.processes : [];
  }

  /** Start, stop or restart every service the selector matches (one push or one command per host). */
  async controlServices(selector: ServiceSelectorInput, action: string): Promise<BulkResult> {
    const compiled = compileSelector(selector);
    const ports = { store: this.#store, agents: this.#agents, notifier: this.#notifier, commandTimeoutMs: this.#commandTimeoutMs };
    return controlSelection(ports, compiled, compileBulkAction(action));
  }

  async getService(ref: ServiceRef): Promise<ServiceView> {
    return asControlErrors(() => readServiceView(this.#store.db, ref));
  }

  async listServices(filter: ServiceListFilter = {}): Promise<ServiceView[]> {
    return asControlErrors(() => readServiceViews(this.#store.db, filter));
  }

  /** Refused for public-cloud accounts (their hosts are unfiltered by design); pushed to the account's own hosts at once. */
  async createFirewallRule(account: string, rule: FirewallRuleInput): Promise<FirewallRuleRecord> {
    return createFirewallRuleFor(this.#store, this.#notifier, account, rule);
  }

  /** New limits for the account: checked against its pool's ceilings, stored, pushed to its hosts (applied there live). */
  async updateAccountLimits(request: UpdateAccountRequest): Promise<AccountRecord> {
    return updateAccountLimitsFor(this.#store, this.#notifier, request);
  }

  async deleteFirewallRule(account: string, id: string): Promise<void> {
    await deleteFirewallRuleFor(this.#store, this.#notifier, account, id);
  }

  async #changed(host: string | null, ref: ServiceRef): Promise<ServiceView> {
    this.#notifier.hostsChanged([host]);
    return this.getService(ref);
  }

  async #command(ref: ServiceRef, what: string, action: (service: { account: string; name: string }) => AgentAction): Promise<CommandResult> {
    const { service } = await this.getService(ref);
    const host = service.host;
    if (host === null) throw new HostUnavailableError(null, what);
    // The host's agent may be connected to this replica or another: send() finds out.
    const result = await this.#agents.send(host, action({ account: ref.account, name: ref.name }), this.#commandTimeoutMs).catch((error: unknown) => {
      throw error instanceof HostUnavailableError ? new HostUnavailableError(host, what) : error;
    });
    if (!result.ok) throw new ControlError(controlCodeFromStatusName(result.errorCode), result.errorMessage || `${what} failed`);
    return result;
  }
}

function compileBatch(services: CreateServicesRequest["services"]): { spec: CompiledServiceSpec; ports?: PortRequest | undefined }[] {
  if (services.length === 0) throw new InvalidArgumentError([{ field: "services", rule: "must hold at least one service" }]);
  if (services.length > MAX_BATCH_SERVICES) throw new InvalidArgumentError([{ field: "services", rule: `must hold at most ${MAX_BATCH_SERVICES} services` }]);
  const errors: FieldError[] = [];
  const items = services.flatMap((item, index) => {
    const compiled = compileServiceSpec(item.spec);
    if (compiled.ok) return [{ spec: compiled.value, ports: item.ports }];
    errors.push(...compiled.errors.map((error) => ({ ...error, field: `services[${index}].${error.field}` })));
    return [];
  });
  if (errors.length > 0) throw new InvalidArgumentError(errors);
  return items;
}

function logChunk(result: CommandResult): LogChunk {
  if (result.result?.$case !== "logLines") return { lines: [], next: { fileId: 0, offset: 0 } };
  const { lines, nextOffset, fileId } = result.result.value;
  return { lines, next: { fileId, offset: nextOffset } };
}
