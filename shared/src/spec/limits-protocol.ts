// ResourceLimits to and from the vigil.v1 ResourceLimits message. Inbound limits are compiled
// again, so an agent enforces nothing a coordinator could not have accepted.
import type { Compiled, FieldError } from "../errors.js";
import type { ResourceLimits as ResourceLimitsMessage } from "../gen/vigil/v1/service.js";
import { compileResourceLimits, type ResourceLimits } from "./resource-limits.js";

export function resourceLimitsToProto(limits: ResourceLimits): ResourceLimitsMessage {
  return {
    ...(limits.memoryMaxBytes !== null && { memoryMaxBytes: limits.memoryMaxBytes }),
    ...(limits.memoryHighBytes !== null && { memoryHighBytes: limits.memoryHighBytes }),
    ...(limits.tasksMax !== null && { tasksMax: limits.tasksMax }),
    ...(limits.cpuWeight !== null && { cpuWeight: limits.cpuWeight }),
    ...(limits.cpuMaxCores !== null && { cpuMaxCores: limits.cpuMaxCores }),
  };
}

/** The input fields of compileResourceLimits for a message (absent message: no limits). */
export function limitInputFromProto(message: ResourceLimitsMessage | undefined): Record<string, number> {
  if (message === undefined) return {};
  return {
    ...(message.memoryMaxBytes !== undefined && { memory_max: message.memoryMaxBytes }),
    ...(message.memoryHighBytes !== undefined && { memory_high: message.memoryHighBytes }),
    ...(message.tasksMax !== undefined && { tasks_max: message.tasksMax }),
    ...(message.cpuWeight !== undefined && { cpu_weight: message.cpuWeight }),
    ...(message.cpuMaxCores !== undefined && { cpu_max: message.cpuMaxCores }),
  };
}

export function resourceLimitsFromProto(message: ResourceLimitsMessage | undefined): Compiled<ResourceLimits> {
  const errors: FieldError[] = [];
  const limits = compileResourceLimits(limitInputFromProto(message), errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: limits };
}
