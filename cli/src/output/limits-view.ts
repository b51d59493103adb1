// Resource limits as `vigil service show`, `vigil account show` and `vigil host show` print them:
// "memory max 512 MiB, tasks 256, cpu max 0.5 core", or "none".
import type { ServiceInput } from "@vigil/shared";

type LimitsMessage = NonNullable<ServiceInput["limits"]>;

const MIB = 1024 * 1024;

function size(bytes: number): string {
  return bytes % (1024 * MIB) === 0 ? `${bytes / (1024 * MIB)} GiB` : bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`;
}

export function describeLimits(limits: LimitsMessage | undefined): string {
  if (limits === undefined) return "none";
  const parts = [
    limits.memoryMaxBytes !== undefined && `memory max ${size(limits.memoryMaxBytes)}`,
    limits.memoryHighBytes !== undefined && `memory high ${size(limits.memoryHighBytes)}`,
    limits.tasksMax !== undefined && `tasks ${limits.tasksMax}`,
    limits.cpuWeight !== undefined && `cpu weight ${limits.cpuWeight}`,
    limits.cpuMaxCores !== undefined && `cpu max ${limits.cpuMaxCores} core`,
  ].filter((part): part is string => typeof part === "string");
  return parts.length === 0 ? "none" : parts.join(", ");
}

/** "cgroup-v1", or "none (why)" when the host cannot enforce limits; "-" before its agent said. */
export function describeLimitsMode(mode: string, detail: string): string {
  if (mode === "") return "-";
  return mode === "none" ? `none (${detail})` : mode;
}
