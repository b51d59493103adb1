// Partial updates of a service: apply only the fields present in a patch to the current
// compiled spec, then compile the result again so an update obeys every rule a create does.
import type { Compiled, FieldError } from "../errors.js";
import { compileServiceSpec, orderFieldErrors } from "./compile-service-spec.js";
import type { CompiledServiceSpec } from "./compiled-service-spec.js";
import { collectEnvironment } from "./environment.js";
import { fieldValue, isRecord, readBoolean } from "./field-readers.js";
import { LIMIT_FIELDS, resourceLimitsToInput } from "./resource-limits.js";
import type { ServiceSpecInput, UntrustedInput } from "./service-spec-input.js";

/**
 * A partial update. Absent or null fields keep their value. The environment is merged into
 * the current one (the patch wins) unless replace_environment is true, in which case the
 * patch's environment (possibly none) replaces it. `name` identifies the service and cannot
 * change. Setting check_health_command to "" removes the health check and its timings; a limit
 * set to "none" is removed.
 */
export interface ServiceSpecPatch extends ServiceSpecInput {
  readonly replace_environment?: boolean;
}

const HEALTH_TIMING_FIELDS = ["health_check_interval", "health_check_timeout", "health_check_grace_period"] as const;

/** The input that compiles back to exactly this spec (compileServiceSpec is idempotent on it). */
export function serviceSpecToInput(spec: CompiledServiceSpec): ServiceSpecInput {
  const health = spec.healthCheck;
  return {
    name: spec.name,
    command: spec.command,
    working_directory: spec.workingDirectory,
    environment: { ...spec.environment },
    ...(health === null
      ? {}
      : {
          check_health_command: health.command,
          health_check_interval: health.intervalMs,
          health_check_timeout: health.timeoutMs,
          health_check_grace_period: health.graceMs,
        }),
    is_disabled: spec.isDisabled,
    annotation: spec.annotation,
    stop_signal: spec.stopSignal,
    stop_timeout: spec.stopTimeoutMs,
    ...resourceLimitsToInput(spec.limits),
  };
}

/** The word that removes a limit in an update (absent or null keeps it, as for every field). */
export const NO_LIMIT = "none";

export function compileServiceUpdate(current: CompiledServiceSpec, patch: ServiceSpecPatch | UntrustedInput): Compiled<CompiledServiceSpec> {
  if (!isRecord(patch)) return { ok: false, errors: [{ field: "update", rule: "must be an object" }] };
  const raw: UntrustedInput = patch;
  const errors: FieldError[] = [];
  const name = fieldValue(raw, "name");
  if (name !== undefined && name !== current.name) errors.push({ field: "name", rule: "cannot be changed by an update" });
  const replaceEnvironment = readBoolean(raw, "replace_environment", errors) ?? false;

  const merged: Record<string, unknown> = { ...serviceSpecToInput(current) };
  const healthCommand = fieldValue(raw, "check_health_command");
  if (typeof healthCommand === "string" && healthCommand.trim() === "") for (const field of HEALTH_TIMING_FIELDS) delete merged[field];
  for (const [field, value] of Object.entries(raw)) {
    if (field !== "name" && field !== "replace_environment" && value !== null && value !== undefined) merged[field] = value;
  }
  for (const field of LIMIT_FIELDS) if (fieldValue(raw, field) === NO_LIMIT) delete merged[field];
  if (!replaceEnvironment) {
    const environment = new Map<string, unknown>(Object.entries(current.environment));
    for (const [variable, value] of collectEnvironment(raw, errors)) environment.set(variable, value);
    merged["environment"] = Object.fromEntries(environment);
    delete merged["environment_string"];
  } else if (fieldValue(raw, "environment") === undefined) {
    delete merged["environment"];
  }

  const compiled = compileServiceSpec(merged);
  if (errors.length === 0) return compiled;
  return { ok: false, errors: orderFieldErrors(compiled.ok ? errors : [...errors, ...compiled.errors]) };
}
