// Converts compiled specs to and from the generated protocol messages of vigil.v1.
// Inbound messages are validated again on the way in: an agent trusts no message blindly.
import type { Compiled, FieldError } from "../errors.js";
import type { AccountIdentity, DesiredService, HealthCheck, ServiceSpec } from "../gen/vigil/v1/service.js";
import { compileServiceSpec } from "./compile-service-spec.js";
import { type AccountRuntime, type CompiledServiceSpec, type DesiredServiceSpec, SERVICE_DESIRED_STATES, type ServiceDesiredState } from "./compiled-service-spec.js";
import { validateEnvironmentRecord } from "./environment.js";
import { limitInputFromProto, resourceLimitsFromProto, resourceLimitsToProto } from "./limits-protocol.js";
import { parseIpInterval } from "../firewall/ip-interval.js";

function isSingleIpv6(text: string): boolean {
  return !text.includes("/") && parseIpInterval(text)?.family === 6;
}

export const ACCOUNT_CLOUDS = ["public", "private"] as const;
/** Where an account's services run: shared service hosts, or the account's own hosts. */
export type AccountCloud = (typeof ACCOUNT_CLOUDS)[number];

function prefixed(prefix: string, errors: readonly FieldError[]): FieldError[] {
  return errors.map((error) => ({ field: `${prefix}.${error.field}`, rule: error.rule }));
}

export function serviceSpecToProto(spec: CompiledServiceSpec, disabledReason = ""): ServiceSpec {
  const health: HealthCheck | undefined =
    spec.healthCheck === null
      ? undefined
      : { command: spec.healthCheck.command, intervalMs: spec.healthCheck.intervalMs, timeoutMs: spec.healthCheck.timeoutMs, graceMs: spec.healthCheck.graceMs };
  return {
    name: spec.name,
    command: spec.command,
    workingDirectory: spec.workingDirectory,
    environment: { ...spec.environment },
    healthCheck: health,
    isDisabled: spec.isDisabled,
    disabledReason,
    annotation: spec.annotation,
    stopSignal: spec.stopSignal,
    stopTimeoutMs: spec.stopTimeoutMs,
    limits: resourceLimitsToProto(spec.limits),
  };
}

/** Runs the message through compileServiceSpec, so the result obeys every rule of limits.ts. */
export function serviceSpecFromProto(message: ServiceSpec): Compiled<{ spec: CompiledServiceSpec; disabledReason: string }> {
  const health = message.healthCheck;
  const timings =
    health === undefined || health.command === ""
      ? {}
      : { health_check_interval: health.intervalMs, health_check_timeout: health.timeoutMs, health_check_grace_period: health.graceMs };
  const compiled = compileServiceSpec({
    name: message.name,
    command: message.command,
    working_directory: message.workingDirectory,
    environment: message.environment,
    check_health_command: health?.command ?? "",
    ...timings,
    is_disabled: message.isDisabled,
    annotation: message.annotation,
    stop_signal: message.stopSignal === "" ? undefined : message.stopSignal,
    stop_timeout: message.stopTimeoutMs,
    ...limitInputFromProto(message.limits),
  });
  if (!compiled.ok) return compiled;
  return { ok: true, value: { spec: compiled.value, disabledReason: message.disabledReason } };
}

export function accountIdentityToProto(account: AccountRuntime, cloud: AccountCloud): AccountIdentity {
  return {
    name: account.name,
    cloud,
    unixUser: account.unixUser,
    uid: account.uid,
    gid: account.gid,
    home: account.home,
    environment: { ...account.environment },
    languageVersions: { ...account.languageVersions },
    limits: resourceLimitsToProto(account.limits),
  };
}

function requireText(value: string, field: string, errors: FieldError[]): void {
  if (value === "") errors.push({ field, rule: "must not be empty" });
  else if (value.includes("\0")) errors.push({ field, rule: "must not contain NUL characters" });
}

/** Refuses what would make the agent run a service wrongly: root ids, a relative home. */
export function accountRuntimeFromProto(message: AccountIdentity): Compiled<{ account: AccountRuntime; cloud: AccountCloud }> {
  const errors: FieldError[] = [];
  requireText(message.name, "name", errors);
  const cloud = ACCOUNT_CLOUDS.find((candidate) => candidate === message.cloud);
  if (cloud === undefined) errors.push({ field: "cloud", rule: `must be one of ${ACCOUNT_CLOUDS.join(", ")}` });
  requireText(message.unixUser, "unix_user", errors);
  if (message.uid === 0) errors.push({ field: "uid", rule: "must not be 0 (root)" });
  if (message.gid === 0) errors.push({ field: "gid", rule: "must not be 0 (root)" });
  requireText(message.home, "home", errors);
  if (message.home !== "" && !message.home.startsWith("/")) errors.push({ field: "home", rule: "must be an absolute path" });
  const environment = validateEnvironmentRecord(message.environment, "environment", errors);
  const languageVersions = validateEnvironmentRecord(message.languageVersions, "language_versions", errors);
  const limits = resourceLimitsFromProto(message.limits);
  if (!limits.ok) errors.push(...prefixed("limits", limits.errors));
  if (errors.length > 0 || cloud === undefined || !limits.ok) return { ok: false, errors };
  const { name, unixUser, uid, gid, home } = message;
  return { ok: true, value: { account: { name, unixUser, uid, gid, home, environment, languageVersions, limits: limits.value }, cloud } };
}

export function desiredServiceToProto(desired: DesiredServiceSpec, revision: number, cloud: AccountCloud): DesiredService {
  return {
    account: accountIdentityToProto(desired.account, cloud),
    spec: serviceSpecToProto(desired.spec, desired.disabledReason),
    ports: [...desired.ports],
    revision,
    desiredState: desired.desiredState,
    accountAddress: desired.accountAddress ?? "",
  };
}

export interface DecodedDesiredService {
  readonly desired: DesiredServiceSpec;
  readonly revision: number;
  readonly cloud: AccountCloud;
}

function checkPorts(ports: readonly number[], errors: FieldError[]): void {
  ports.forEach((port, index) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) errors.push({ field: `ports[${index}]`, rule: "must be between 1 and 65535" });
    else if (ports.indexOf(port) !== index) errors.push({ field: `ports[${index}]`, rule: `repeats port ${port}` });
  });
}

/** "" is "running": a coordinator that predates the field sends only services meant to run. */
function desiredStateFromProto(value: string, errors: FieldError[]): ServiceDesiredState {
  if (value === "") return "running";
  const state = SERVICE_DESIRED_STATES.find((candidate) => candidate === value);
  if (state === undefined) errors.push({ field: "desired_state", rule: `must be one of ${SERVICE_DESIRED_STATES.join(", ")}` });
  return state ?? "running";
}

export function desiredServiceFromProto(message: DesiredService): Compiled<DecodedDesiredService> {
  const errors: FieldError[] = [];
  const account = message.account === undefined ? undefined : accountRuntimeFromProto(message.account);
  if (account === undefined) errors.push({ field: "account", rule: "is required" });
  else if (!account.ok) errors.push(...prefixed("account", account.errors));
  const spec = message.spec === undefined ? undefined : serviceSpecFromProto(message.spec);
  if (spec === undefined) errors.push({ field: "spec", rule: "is required" });
  else if (!spec.ok) errors.push(...prefixed("spec", spec.errors));
  checkPorts(message.ports, errors);
  const desiredState = desiredStateFromProto(message.desiredState, errors);
  const accountAddress = message.accountAddress ?? "";
  if (accountAddress !== "" && !isSingleIpv6(accountAddress)) errors.push({ field: "account_address", rule: "must be one IPv6 address" });
  if (errors.length > 0 || !account?.ok || !spec?.ok) return { ok: false, errors };
  const desired: DesiredServiceSpec = {
    account: account.value.account,
    spec: spec.value.spec,
    ports: [...message.ports],
    disabledReason: spec.value.disabledReason,
    desiredState,
    ...(accountAddress !== "" && { accountAddress }),
  };
  return { ok: true, value: { desired, revision: message.revision, cloud: account.value.cloud } };
}
