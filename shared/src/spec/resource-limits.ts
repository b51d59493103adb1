// Resource limits of a service or an account (memory, tasks, CPU): their input form, their
// compiled form, and how a service's own limits, its account's and the host's ceiling combine.
import type { FieldError } from "../errors.js";
import { fieldValue } from "./field-readers.js";
import type { UntrustedInput } from "./service-spec-input.js";

/**
 * null: no limit of this kind at this level. memoryHigh is a soft threshold (v2 memory.high, v1
 * memory.soft_limit_in_bytes): above it the kernel reclaims hard, nothing is killed. cpuWeight is
 * the share against siblings (v2 cpu.weight scale, 100 = normal); cpuMaxCores a hard cap in cores.
 */
export interface ResourceLimits {
  readonly memoryMaxBytes: number | null;
  readonly memoryHighBytes: number | null;
  readonly tasksMax: number | null;
  readonly cpuWeight: number | null;
  readonly cpuMaxCores: number | null;
}

export const NO_LIMITS: ResourceLimits = { memoryMaxBytes: null, memoryHighBytes: null, tasksMax: null, cpuWeight: null, cpuMaxCores: null };

/** Input field names, the same in the API, `vigil apply` files and (as --memory-max...) CLI flags. */
export const LIMIT_FIELDS = ["memory_max", "memory_high", "tasks_max", "cpu_weight", "cpu_max"] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];

/** Below 4 MiB not even a shell starts; 1 PiB is far above any host. */
export const MEMORY_BYTES = { min: 4 * 1024 * 1024, max: 2 ** 50 } as const;
/** The kernel's PID_MAX_LIMIT. A service needs its shell and its command: 2 tasks at least. */
export const TASKS = { min: 2, max: 4_194_304 } as const;
/** cgroup v2 cpu.weight's range. */
export const CPU_WEIGHT = { min: 1, max: 10_000 } as const;
/** A hundredth of a core (1 ms per 100 ms period) up to 1024 cores. */
export const CPU_CORES = { min: 0.01, max: 1024 } as const;

const UNITS: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
const MEMORY_TEXT = /^(\d+)\s*([kmgt]?)(?:i?b)?$/i;

/** Bytes, or text such as "512M", "1G", "256MiB" (powers of 1024). */
export function parseMemorySize(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = MEMORY_TEXT.exec(value.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * (UNITS[(match[2] ?? "").toLowerCase()] ?? 1);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

function readMemory(input: UntrustedInput, field: LimitField, errors: FieldError[]): number | null {
  const raw = fieldValue(input, field);
  if (raw === undefined) return null;
  const bytes = parseMemorySize(raw);
  if (bytes === undefined) errors.push({ field, rule: 'must be a whole number of bytes or a size such as "512M" or "2G"' });
  else if (bytes < MEMORY_BYTES.min || bytes > MEMORY_BYTES.max) errors.push({ field, rule: `must be between ${MEMORY_BYTES.min} bytes (4M) and ${MEMORY_BYTES.max} bytes` });
  else return bytes;
  return null;
}

function readInteger(input: UntrustedInput, field: LimitField, range: { min: number; max: number }, errors: FieldError[]): number | null {
  const raw = fieldValue(input, field);
  if (raw === undefined) return null;
  if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw < range.min || raw > range.max) {
    errors.push({ field, rule: `must be an integer from ${range.min} to ${range.max}` });
    return null;
  }
  return raw;
}

function readCores(input: UntrustedInput, field: LimitField, errors: FieldError[]): number | null {
  const raw = fieldValue(input, field);
  if (raw === undefined) return null;
  if (typeof raw !== "number" || !Number.isFinite(raw) || raw < CPU_CORES.min || raw > CPU_CORES.max) {
    errors.push({ field, rule: `must be a number of cores from ${CPU_CORES.min} to ${CPU_CORES.max} (0.5 is half a core)` });
    return null;
  }
  // Hundredths: what a 100 ms period can express to the millisecond.
  return Math.round(raw * 100) / 100;
}

/** Compiles the limit fields of input (a service definition, an account, a host config section). */
export function compileResourceLimits(input: UntrustedInput, errors: FieldError[]): ResourceLimits {
  const limits: ResourceLimits = {
    memoryMaxBytes: readMemory(input, "memory_max", errors),
    memoryHighBytes: readMemory(input, "memory_high", errors),
    tasksMax: readInteger(input, "tasks_max", TASKS, errors),
    cpuWeight: readInteger(input, "cpu_weight", CPU_WEIGHT, errors),
    cpuMaxCores: readCores(input, "cpu_max", errors),
  };
  if (limits.memoryHighBytes !== null && limits.memoryMaxBytes !== null && limits.memoryHighBytes > limits.memoryMaxBytes) {
    errors.push({ field: "memory_high", rule: `must not exceed memory_max (${limits.memoryMaxBytes} bytes)` });
  }
  return limits;
}

/** The input form again (for updates, `vigil apply` and the API's view): only the limits that are set. */
export function resourceLimitsToInput(limits: ResourceLimits): Partial<Record<LimitField, number>> {
  return {
    ...(limits.memoryMaxBytes !== null && { memory_max: limits.memoryMaxBytes }),
    ...(limits.memoryHighBytes !== null && { memory_high: limits.memoryHighBytes }),
    ...(limits.tasksMax !== null && { tasks_max: limits.tasksMax }),
    ...(limits.cpuWeight !== null && { cpu_weight: limits.cpuWeight }),
    ...(limits.cpuMaxCores !== null && { cpu_max: limits.cpuMaxCores }),
  };
}

function lowest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/**
 * What is enforced: the chosen value, else the default; never above the ceiling. A weight is not a
 * cap but still bounded by the ceiling, so a tenant cannot outweigh the host's own share.
 */
export function effectiveLimits(chosen: ResourceLimits, defaults: ResourceLimits, ceiling: ResourceLimits): ResourceLimits {
  const pick = (key: keyof ResourceLimits): number | null => lowest(chosen[key] ?? defaults[key], ceiling[key]);
  const memoryMaxBytes = pick("memoryMaxBytes");
  const memoryHighBytes = pick("memoryHighBytes");
  return {
    memoryMaxBytes,
    // A soft threshold above the (possibly capped) maximum would mean nothing: it is the maximum then.
    memoryHighBytes: memoryHighBytes === null ? null : lowest(memoryHighBytes, memoryMaxBytes),
    tasksMax: pick("tasksMax"),
    cpuWeight: pick("cpuWeight"),
    cpuMaxCores: pick("cpuMaxCores"),
  };
}

export function hasAnyLimit(limits: ResourceLimits): boolean {
  return Object.values(limits).some((value) => value !== null);
}

export function sameLimits(a: ResourceLimits, b: ResourceLimits): boolean {
  return a.memoryMaxBytes === b.memoryMaxBytes && a.memoryHighBytes === b.memoryHighBytes && a.tasksMax === b.tasksMax && a.cpuWeight === b.cpuWeight && a.cpuMaxCores === b.cpuMaxCores;
}
