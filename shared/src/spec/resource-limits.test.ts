// The limit fields of a service definition: sizes in bytes or "512M", ranges named in the errors,
// and how a service's own limits meet the host's defaults and ceilings.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FieldError } from "../errors.js";
import { compileResourceLimits, effectiveLimits, NO_LIMITS, parseMemorySize } from "./resource-limits.js";

const MIB = 1024 * 1024;

function compile(input: Record<string, unknown>): { limits: ReturnType<typeof compileResourceLimits>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  return { limits: compileResourceLimits(input, errors), errors };
}

test("sizes are bytes or text with a power-of-1024 suffix", () => {
  assert.equal(parseMemorySize("512M"), 512 * MIB);
  assert.equal(parseMemorySize("2g"), 2048 * MIB);
  assert.equal(parseMemorySize("256MiB"), 256 * MIB);
  assert.equal(parseMemorySize(4194304), 4 * MIB);
  assert.equal(parseMemorySize("1.5G"), undefined);
  assert.equal(parseMemorySize("lots"), undefined);
});

test("every limit compiles, CPU cores to hundredths", () => {
  const { limits, errors } = compile({ memory_max: "1G", memory_high: "768M", tasks_max: 256, cpu_weight: 50, cpu_max: 0.333 });
  assert.deepEqual(errors, []);
  assert.deepEqual(limits, { memoryMaxBytes: 1024 * MIB, memoryHighBytes: 768 * MIB, tasksMax: 256, cpuWeight: 50, cpuMaxCores: 0.33 });
  assert.deepEqual(compile({}).limits, NO_LIMITS);
});

test("bad limits name the field and the rule", () => {
  assert.deepEqual(compile({ memory_max: "1M", memory_high: "lots", tasks_max: 1, cpu_weight: 0, cpu_max: 0 }).errors, [
    { field: "memory_max", rule: "must be between 4194304 bytes (4M) and 1125899906842624 bytes" },
    { field: "memory_high", rule: 'must be a whole number of bytes or a size such as "512M" or "2G"' },
    { field: "tasks_max", rule: "must be an integer from 2 to 4194304" },
    { field: "cpu_weight", rule: "must be an integer from 1 to 10000" },
    { field: "cpu_max", rule: "must be a number of cores from 0.01 to 1024 (0.5 is half a core)" },
  ]);
  assert.deepEqual(compile({ memory_max: "64M", memory_high: "128M" }).errors, [{ field: "memory_high", rule: "must not exceed memory_max (67108864 bytes)" }]);
});

test("the host's default fills what the service leaves unset, and its ceiling caps what it asks for", () => {
  const defaults = { ...NO_LIMITS, tasksMax: 512, memoryMaxBytes: 256 * MIB };
  const ceiling = { ...NO_LIMITS, memoryMaxBytes: 1024 * MIB, cpuMaxCores: 1 };
  const chosen = { ...NO_LIMITS, memoryMaxBytes: 4096 * MIB, cpuMaxCores: 0.5, memoryHighBytes: 2048 * MIB };
  assert.deepEqual(effectiveLimits(chosen, defaults, ceiling), { memoryMaxBytes: 1024 * MIB, memoryHighBytes: 1024 * MIB, tasksMax: 512, cpuWeight: null, cpuMaxCores: 0.5 });
  assert.deepEqual(effectiveLimits(NO_LIMITS, NO_LIMITS, ceiling), { ...NO_LIMITS, memoryMaxBytes: 1024 * MIB, cpuMaxCores: 1 });
});
