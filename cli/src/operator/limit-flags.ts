// The resource limit flags of `service create|update` and `account create`: --memory-max 512M,
// --memory-high 400M, --tasks-max 256, --cpu-weight 100, --cpu-max 0.5; on an update "none" removes one.
import { type Command } from "commander";
import { type LimitField, NO_LIMIT, parseMemorySize, type ServiceInput } from "@vigil/shared";
import { usageError } from "./cli-error.js";

/** The protocol's ResourceLimits message (the name ResourceLimits is the compiled form's in @vigil/shared). */
type ResourceLimitsMessage = NonNullable<ServiceInput["limits"]>;

export interface LimitFlags {
  readonly memoryMax?: string;
  readonly memoryHigh?: string;
  readonly tasksMax?: string;
  readonly cpuWeight?: string;
  readonly cpuMax?: string;
}

export function limitOptions(command: Command, update = false): Command {
  const removable = update ? ` ("${NO_LIMIT}" removes it)` : "";
  return command
    .option("--memory-max <size>", `memory maximum, e.g. 512M or 2G: past it the kernel OOM-kills the service${removable}`)
    .option("--memory-high <size>", `memory soft threshold: above it the kernel reclaims hard, nothing is killed${removable}`)
    .option("--tasks-max <count>", `most processes and threads at once (forks past it fail)${removable}`)
    .option("--cpu-weight <1-10000>", `CPU share against the account's other services (100 is normal)${removable}`)
    .option("--cpu-max <cores>", `CPU maximum in cores, e.g. 0.5 for half a core${removable}`);
}

const FLAGS: readonly { readonly key: keyof LimitFlags; readonly field: LimitField; readonly message: keyof ResourceLimitsMessage; readonly flag: string; readonly parse: (text: string) => number | undefined }[] = [
  { key: "memoryMax", field: "memory_max", message: "memoryMaxBytes", flag: "--memory-max", parse: parseMemorySize },
  { key: "memoryHigh", field: "memory_high", message: "memoryHighBytes", flag: "--memory-high", parse: parseMemorySize },
  { key: "tasksMax", field: "tasks_max", message: "tasksMax", flag: "--tasks-max", parse: (text) => (/^\d+$/.test(text) ? Number(text) : undefined) },
  { key: "cpuWeight", field: "cpu_weight", message: "cpuWeight", flag: "--cpu-weight", parse: (text) => (/^\d+$/.test(text) ? Number(text) : undefined) },
  { key: "cpuMax", field: "cpu_max", message: "cpuMaxCores", flag: "--cpu-max", parse: (text) => (/^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : undefined) },
];

/** The limits given (the server checks the ranges) and, on an update, those to remove. */
export function limitsFromFlags(flags: LimitFlags, update = false): { readonly limits: ResourceLimitsMessage; readonly remove: LimitField[] } {
  const limits: Record<keyof ResourceLimitsMessage, number | undefined> = { memoryMaxBytes: undefined, memoryHighBytes: undefined, tasksMax: undefined, cpuWeight: undefined, cpuMaxCores: undefined };
  const remove: LimitField[] = [];
  for (const { key, field, message, flag, parse } of FLAGS) {
    const text = flags[key];
    if (text === undefined) continue;
    if (update && text === NO_LIMIT) {
      remove.push(field);
      continue;
    }
    const value = parse(text.trim());
    if (value === undefined) throw usageError(`${flag}: ${JSON.stringify(text)} is not ${message.startsWith("memory") ? "a size such as 512M or 2G" : flag === "--cpu-max" ? "a number of cores such as 0.5" : "a whole number"}`);
    limits[message] = value;
  }
  const given = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
  return { limits: given, remove };
}
