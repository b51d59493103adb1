// The host configuration's limits section: a pool's defaults and ceilings, errors with their path.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NO_LIMITS } from "../spec/resource-limits.js";
import { compileHostConfig } from "./host-config.js";
import { hostEffectiveLimits } from "./limits-config.js";

test("a public pool's ceiling caps every service and account, and its defaults fill what they leave unset", () => {
  const compiled = compileHostConfig({ limits: { required: true, service_defaults: { tasks_max: 512 }, service_ceiling: { memory_max: "1G", cpu_max: 1 }, account_ceiling: { memory_max: "4G" } } });
  assert.ok(compiled.ok);
  const { limits } = compiled.value;
  assert.equal(limits.required, true);
  const effective = hostEffectiveLimits(limits, { ...NO_LIMITS, memoryMaxBytes: 8 * 1024 ** 3 }, NO_LIMITS);
  assert.deepEqual(effective.service, { ...NO_LIMITS, memoryMaxBytes: 1024 ** 3, tasksMax: 512, cpuMaxCores: 1 });
  assert.deepEqual(effective.account, { ...NO_LIMITS, memoryMaxBytes: 4 * 1024 ** 3 });
});

test("no limits section: nothing required, nothing capped", () => {
  const compiled = compileHostConfig({});
  assert.ok(compiled.ok);
  assert.deepEqual(compiled.value.limits, { required: false, serviceDefaults: NO_LIMITS, serviceCeiling: NO_LIMITS, accountDefaults: NO_LIMITS, accountCeiling: NO_LIMITS });
});

test("a broken limit names its path in the section", () => {
  const compiled = compileHostConfig({ limits: { service_ceiling: { memory_max: "lots", cpu_quota: 1 }, strict: true } });
  assert.ok(!compiled.ok);
  assert.deepEqual(compiled.errors, [
    { field: "limits.strict", rule: "is not a known setting" },
    { field: "limits.service_ceiling.cpu_quota", rule: "is not a known setting" },
    { field: "limits.service_ceiling.memory_max", rule: 'must be a whole number of bytes or a size such as "512M" or "2G"' },
  ]);
});
