// Specification of partial updates: only present fields change, the environment merges unless
// replaced, and the result obeys every rule of a create.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FieldError } from "../errors.js";
import { compileServiceSpec } from "./compile-service-spec.js";
import type { CompiledServiceSpec } from "./compiled-service-spec.js";
import { NO_LIMITS } from "./resource-limits.js";
import type { UntrustedInput } from "./service-spec-input.js";
import { compileServiceUpdate, serviceSpecToInput } from "./service-update.js";

const current: CompiledServiceSpec = {
  name: "chat",
  command: "node chat.js",
  workingDirectory: "apps/chat",
  environment: { A: "1", B: "2" },
  healthCheck: { command: "curl -f localhost:$PORT", intervalMs: 20_000, timeoutMs: 5_000, graceMs: 60_000 },
  isDisabled: false,
  annotation: "chat server",
  stopSignal: "SIGINT",
  stopTimeoutMs: 3_000,
  limits: NO_LIMITS,
};
const noHealth = { ...current, healthCheck: null };

const updates: [string, CompiledServiceSpec, UntrustedInput, CompiledServiceSpec][] = [
  ["an empty patch changes nothing", current, {}, current],
  ["null fields change nothing", current, { command: null, annotation: null }, current],
  ["the same name is accepted", current, { name: "chat" }, current],
  ["one field changes alone", current, { command: "  node v2.js " }, { ...current, command: "node v2.js" }],
  ["the working directory is normalised", current, { working_directory: "./x/" }, { ...current, workingDirectory: "x" }],
  ["environment merges by default", current, { environment: { B: "20", C: "3" } }, { ...current, environment: { A: "1", B: "20", C: "3" } }],
  [
    "the string form merges too, under the map",
    current,
    { environment_string: "C=s D='d d'", environment: { C: "m" } },
    { ...current, environment: { A: "1", B: "2", C: "m", D: "d d" } },
  ],
  ["replace_environment replaces it", current, { replace_environment: true, environment: "Z=26" }, { ...current, environment: { Z: "26" } }],
  ["replace_environment with no variables clears it", current, { replace_environment: true }, { ...current, environment: {} }],
  ["a blank health check command removes the check", current, { check_health_command: "" }, noHealth],
  [
    "adding a health check gets default timings",
    noHealth,
    { check_health_command: "true" },
    { ...current, healthCheck: { command: "true", intervalMs: 30_000, timeoutMs: 10_000, graceMs: 30_000 } },
  ],
  [
    "changing one timing keeps the others",
    current,
    { health_check_interval: 90_000 },
    { ...current, healthCheck: { command: "curl -f localhost:$PORT", intervalMs: 90_000, timeoutMs: 5_000, graceMs: 60_000 } },
  ],
  ["disabling keeps the rest", current, { is_disabled: true }, { ...current, isDisabled: true }],
  ["stop settings change", current, { stop_signal: "term", stop_timeout: 0 }, { ...current, stopSignal: "SIGTERM", stopTimeoutMs: 0 }],
];

for (const [title, before, patch, after] of updates) {
  void test(`update: ${title}`, () => {
    assert.deepEqual(compileServiceUpdate(before, patch), { ok: true, value: after });
  });
}

const refused: [string, CompiledServiceSpec, unknown, FieldError[]][] = [
  ["a patch must be an object", current, "command=x", [{ field: "update", rule: "must be an object" }]],
  ["the name cannot change", current, { name: "other" }, [{ field: "name", rule: "cannot be changed by an update" }]],
  ["a blank command", current, { command: " " }, [{ field: "command", rule: "must not be empty" }]],
  ["a reserved variable merged in", current, { environment: { PORT: "1" } }, [{ field: "environment.PORT", rule: "is reserved for Vigil" }]],
  ["a broken environment string", current, { environment: "A='x" }, [{ field: "environment", rule: "unterminated single quote starting at character 3" }]],
  ["replace_environment must be a boolean", current, { replace_environment: "yes" }, [{ field: "replace_environment", rule: "must be a boolean" }]],
  [
    "an interval at or below the current timeout",
    current,
    { health_check_interval: 5_000 },
    [{ field: "health_check_timeout", rule: "must be less than health_check_interval (5000 milliseconds)" }],
  ],
  ["timings without any health check", noHealth, { health_check_timeout: 1_000 }, [{ field: "health_check_timeout", rule: "requires check_health_command" }]],
  [
    "removing the check while setting its timing",
    current,
    { check_health_command: "", health_check_interval: 60_000 },
    [{ field: "health_check_interval", rule: "requires check_health_command" }],
  ],
  [
    "every broken field at once, in table order",
    current,
    { stop_timeout: -1, bogus: 1, name: "x", environment: { HOME: "/" } },
    [
      { field: "name", rule: "cannot be changed by an update" },
      { field: "environment.HOME", rule: "is reserved for Vigil" },
      { field: "stop_timeout", rule: "must be between 0 and 300000 milliseconds" },
      { field: "bogus", rule: "unknown field" },
    ],
  ],
];

for (const [title, before, patch, errors] of refused) {
  void test(`update refuses: ${title}`, () => {
    assert.deepEqual(compileServiceUpdate(before, patch as UntrustedInput), { ok: false, errors });
  });
}

void test("the input form of a compiled spec compiles back to the same spec", () => {
  for (const spec of [current, noHealth]) assert.deepEqual(compileServiceSpec(serviceSpecToInput(spec)), { ok: true, value: spec });
});
