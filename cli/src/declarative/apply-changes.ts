// Carries out an apply plan through the Admin API, one change at a time in plan order, saying
// what it did; the environment of an update is replaced so the service ends exactly as filed.
import { type CompiledServiceSpec, ServiceInput } from "@vigil/shared";
import { type AdminSession } from "../operator/admin-session.js";
import { type PlannedChange } from "./apply-plan.js";

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
  return ServiceInput.fromPartial({ name: spec.name, ...filedFields(spec), isDisabled: spec.isDisabled });
}

export async function applyChange(session: AdminSession, account: string, change: PlannedChange): Promise<void> {
  const ref = { account, name: change.name };
  if (change.kind === "create") {
    await session.call("createService", { account, service: createInput(change.spec) });
    return;
  }
  if (change.kind === "delete") {
    await session.call("deleteService", ref);
    return;
  }
  const { spec } = change;
  if (change.fields.some((field) => field !== "is_disabled")) {
    await session.call("updateService", { ...ref, ...filedFields(spec), replaceEnvironment: true });
  }
  if (change.fields.includes("is_disabled")) await session.call(spec.isDisabled ? "disableService" : "enableService", ref);
}
