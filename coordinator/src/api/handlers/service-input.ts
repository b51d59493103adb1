// Turns the Admin API's service messages into the compiler's input: ServiceInput for a create,
// UpdateServiceRequest for a partial update (only present fields), and the requested ports.
import { LIMIT_FIELDS, limitInputFromProto, NO_LIMIT, type ServiceInput, type ServiceSpecPatch, type UntrustedInput, type UpdateServiceRequest } from "@vigil/shared";
import { type PortRequest } from "../../store/repositories/ports.js";

/** proto3 cannot tell "" from absent; an empty string means "not given" for optional text. */
export function serviceSpecInput(input: ServiceInput): UntrustedInput {
  return {
    name: input.name,
    command: input.command,
    ...(input.workingDirectory !== "" && { working_directory: input.workingDirectory }),
    environment: { ...input.environment },
    ...(input.environmentString !== "" && { environment_string: input.environmentString }),
    ...(input.checkHealthCommand !== "" && { check_health_command: input.checkHealthCommand }),
    ...(input.healthCheckIntervalMs !== undefined && { health_check_interval: input.healthCheckIntervalMs }),
    ...(input.healthCheckTimeoutMs !== undefined && { health_check_timeout: input.healthCheckTimeoutMs }),
    ...(input.healthCheckGraceMs !== undefined && { health_check_grace_period: input.healthCheckGraceMs }),
    is_disabled: input.isDisabled,
    annotation: input.annotation,
    ...(input.stopSignal !== undefined && input.stopSignal !== "" && { stop_signal: input.stopSignal }),
    ...(input.stopTimeoutMs !== undefined && { stop_timeout: input.stopTimeoutMs }),
    ...limitInputFromProto(input.limits),
  };
}

/** Nothing requested: the store's default, one port, the lowest free. */
export function portRequest(input: ServiceInput): PortRequest | undefined {
  if (input.ports.length === 0 && input.portCount === 0) return undefined;
  return { requested: [...input.ports], ...(input.portCount > 0 && { count: input.portCount }) };
}

export function servicePatch(request: UpdateServiceRequest): ServiceSpecPatch {
  const environmentGiven = request.replaceEnvironment || Object.keys(request.environment).length > 0;
  return {
    ...(request.command !== undefined && { command: request.command }),
    ...(request.workingDirectory !== undefined && { working_directory: request.workingDirectory }),
    ...(environmentGiven && { environment: { ...request.environment } }),
    ...(request.environmentString !== undefined && { environment_string: request.environmentString }),
    ...(request.checkHealthCommand !== undefined && { check_health_command: request.checkHealthCommand }),
    ...(request.healthCheckIntervalMs !== undefined && { health_check_interval: request.healthCheckIntervalMs }),
    ...(request.healthCheckTimeoutMs !== undefined && { health_check_timeout: request.healthCheckTimeoutMs }),
    ...(request.healthCheckGraceMs !== undefined && { health_check_grace_period: request.healthCheckGraceMs }),
    ...(request.annotation !== undefined && { annotation: request.annotation }),
    ...(request.stopSignal !== undefined && request.stopSignal !== "" && { stop_signal: request.stopSignal }),
    ...(request.stopTimeoutMs !== undefined && { stop_timeout: request.stopTimeoutMs }),
    ...limitInputFromProto(request.limits),
    // A removal is the update's "none". Any other name must never set a field of that name (a
    // "command" of "none"): it reaches the compiler as "remove_limits.<name>", an unknown field.
    ...Object.fromEntries(request.removeLimits.map((field) => [isLimitField(field) ? field : `remove_limits.${field}`, NO_LIMIT])),
    replace_environment: request.replaceEnvironment,
  };
}

function isLimitField(name: string): boolean {
  return (LIMIT_FIELDS as readonly string[]).includes(name);
}
