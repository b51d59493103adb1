// Carries out an apply plan through the Admin API: updates and deletes one at a time in plan order,
// then every create in one CreateServices call (one transaction, one push to the host) per 500.
import { type CompiledServiceSpec, LIMIT_FIELDS, resourceLimitsToInput, resourceLimitsToProto, ServiceInput } from "@vigil/shared";
import { type AdminSession } from "../operator/admin-session.js";
import { CliError } from "../operator/cli-error.js";
import { type Progress } from "../output/progress.js";
import { describeChange, type PlannedChange } from "./apply-plan.js";

/** The most services one CreateServices call takes (the coordinator's MAX_BATCH_SERVICES). */
export const CREATE_BATCH_SIZE = 500;

/** Every field a file sets, fully defaulted, so the service ends exactly as filed. */
function filedFields(spec: CompiledServiceSpec): Pick<ServiceInput, "command" | "workingDirectory" | "environment" | "checkHealthCommand" | "annotation" | "stopSignal" | "stopTimeoutMs"> &
  Partial<Pick<ServiceInput, "healthCheckIntervalMs" | "healthCheckTimeoutMs" | "healthCheckGraceMs">> {
  const health = spec.healthCheck;
  return {
    command: spec.command,
    workingDirectory: spec.workingDirectory,
    environment: { ...spec.environment },
    checkHealthCommand: health?.command ?? "",
    ...(health && { healthCheckIntervalMs: health.intervalMs, healthCheckTimeoutMs: health.timeoutMs, healthCheckGraceMs: health.graceMs }),
    annotation: spec.annotation,
    stopSignal: spec.stopSignal,
    stopTimeoutMs: spec.stopTimeoutMs,
  };
}

function createInput(spec: CompiledServiceSpec): ServiceInput {
  return ServiceInput.fromPartial({ name: spec.name, ...filedFields(spec), isDisabled: spec.isDisabled, limits: resourceLimitsToProto(spec.limits) });
}

/**
 * Every change of the plan; a failure names the change (or the created service) it came from.
 * `progress` is told how many changes are done after each call.
 */
export async function applyChanges(session: AdminSession, account: string, changes: readonly PlannedChange[], progress?: Progress): Promise<void> {
  let done = 0;
  const report = (count: number) => progress?.update(`apply: ${(done += count)} of ${changes.length} changes`);
  for (const change of changes) {
    if (change.kind === "create") continue;
    try {
      await applyOne(session, account, change);
    } catch (error) {
      throw new CliError(`${describeChange(change)}: ${(error as Error).message}`);
    }
    report(1);
  }
  const creates = changes.flatMap((change) => (change.kind === "create" ? [change] : []));
  for (let start = 0; start < creates.length; start += CREATE_BATCH_SIZE) {
    const batch = creates.slice(start, start + CREATE_BATCH_SIZE);
    try {
      await session.call("createServices", { account, services: batch.map((change) => createInput(change.spec)) });
    } catch (error) {
      throw new CliError(batchError(batch, (error as Error).message));
    }
    report(batch.length);
  }
  progress?.done(`apply: ${done} of ${changes.length} changes`);
}

/** "services[3].command: ..." becomes "create <the fourth name>: command: ...". */
function batchError(batch: readonly PlannedChange[], message: string): string {
  const item = /^services\[(\d+)\]\.(.*)$/s.exec(message);
  const change = item ? batch[Number(item[1])] : undefined;
  if (item && change) return `${describeChange(change)}: ${item[2]}`;
  return `${batch.map(describeChange).join(", ")}: ${message}`;
}

async function applyOne(session: AdminSession, account: string, change: Exclude<PlannedChange, { kind: "create" }>): Promise<void> {
  const ref = { account, name: change.name };
  if (change.kind === "delete") {
    await session.call("deleteService", ref);
    return;
  }
  const { spec } = change;
  if (change.fields.some((field) => field !== "is_disabled")) {
    // Limits the file leaves out are removed: the service ends exactly as filed.
    const filed = resourceLimitsToInput(spec.limits);
    const removeLimits = LIMIT_FIELDS.filter((field) => filed[field] === undefined);
    await session.call("updateService", { ...ref, ...filedFields(spec), replaceEnvironment: true, limits: resourceLimitsToProto(spec.limits), removeLimits });
  }
  if (change.fields.includes("is_disabled")) await session.call(spec.isDisabled ? "disableService" : "enableService", ref);
}
