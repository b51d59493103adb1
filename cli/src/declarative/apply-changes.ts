// Carries out an apply plan through the Admin API, one change at a time in plan order, saying
// what it did; the environment of an update is replaced so the service ends exactly as filed.
import { type CompiledServiceSpec, ServiceInput } from "@vigil/shared";
import { type AdminSession } from "../operator/admin-session.js";
import { type PlannedChange } from "./apply-plan.js";

function createInput(spec: CompiledServiceSpec): ServiceInput {
  return ServiceInput.fromPartial({
    name: spec.name,
    command: spec.command,
    workingDirectory: spec.workingDirectory,
    environment: { ...spec.environment },
    checkHealthCommand: spec.healthCheck?.command ?? "",
    ...(spec.healthCheck && { healthCheckIntervalMs: spec.healthCheck.intervalMs, healthCheckTimeoutMs: spec.healthCheck.timeoutMs }),
    isDisabled: spec.isDisabled,
    annotation: spec.annotation,
  });
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
    await session.call("updateService", {
      ...ref,
      command: spec.command,
      workingDirectory: spec.workingDirectory,
      environment: { ...spec.environment },
      replaceEnvironment: true,
      checkHealthCommand: spec.healthCheck?.command ?? "",
      ...(spec.healthCheck && { healthCheckIntervalMs: spec.healthCheck.intervalMs, healthCheckTimeoutMs: spec.healthCheck.timeoutMs }),
      annotation: spec.annotation,
    });
  }
  if (change.fields.includes("is_disabled")) await session.call(spec.isDisabled ? "disableService" : "enableService", ref);
}
