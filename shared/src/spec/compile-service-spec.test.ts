// Table-driven specification of compileServiceSpec: exact compiled values for valid input and
// exact field/rule errors for invalid input, including every broken field at once.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { FieldError } from "../errors.js";
import { compileServiceSpec } from "./compile-service-spec.js";
import type { CompiledServiceSpec } from "./compiled-service-spec.js";
import { NO_LIMITS } from "./resource-limits.js";
import type { UntrustedInput } from "./service-spec-input.js";

const base = { name: "web", command: "node server.js" };
const defaults: CompiledServiceSpec = {
  name: "web",
  command: "node server.js",
  workingDirectory: "",
  environment: {},
  healthCheck: null,
  isDisabled: false,
  annotation: "",
  stopSignal: "SIGTERM",
  stopTimeoutMs: 10_000,
  limits: NO_LIMITS,
};
const manyVariables = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`V${i}`, "x"]));

const valid: [string, UntrustedInput, CompiledServiceSpec][] = [
  ["minimal input gets every default", base, defaults],
  ["name may hold digits and hyphens", { ...base, name: "chat-2" }, { ...defaults, name: "chat-2" }],
  ["name may be 63 characters long", { ...base, name: "a".repeat(63) }, { ...defaults, name: "a".repeat(63) }],
  ["command is trimmed", { ...base, command: "  node app.js \n" }, { ...defaults, command: "node app.js" }],
  ["a multi-line command is kept", { ...base, command: "cd app\nexec node ." }, { ...defaults, command: "cd app\nexec node ." }],
  ["working directory is normalised", { ...base, working_directory: "./a//b/" }, { ...defaults, workingDirectory: "a/b" }],
  ["working directory '.' is the home", { ...base, working_directory: "." }, defaults],
  ["working directory may go up inside the home", { ...base, working_directory: "a/../b" }, { ...defaults, workingDirectory: "b" }],
  ["environment map is kept", { ...base, environment: { B: "2", A: "1", lower_case: "" } }, { ...defaults, environment: { A: "1", B: "2", lower_case: "" } }],
  [
    "environment string form is parsed with shell-like quoting",
    { ...base, environment: `A="x y" B='q' C=plain\\ escaped` },
    { ...defaults, environment: { A: "x y", B: "q", C: "plain escaped" } },
  ],
  [
    "environment_string and environment map merge, the map wins",
    { ...base, environment_string: "A=from-string B=kept", environment: { A: "from-map" } },
    { ...defaults, environment: { A: "from-map", B: "kept" } },
  ],
  ["an empty environment string is no variables", { ...base, environment: "  " }, defaults],
  ["a lower-case port variable is not reserved", { ...base, environment: { port: "1" } }, { ...defaults, environment: { port: "1" } }],
  [
    "health check gets default timings",
    { ...base, check_health_command: "curl -f localhost:$PORT" },
    { ...defaults, healthCheck: { command: "curl -f localhost:$PORT", intervalMs: 30_000, timeoutMs: 10_000, graceMs: 30_000 } },
  ],
  [
    "a short interval alone halves the default timeout",
    { ...base, check_health_command: "true", health_check_interval: 4_000 },
    { ...defaults, healthCheck: { command: "true", intervalMs: 4_000, timeoutMs: 2_000, graceMs: 30_000 } },
  ],
  [
    "health check timings may all be chosen",
    { ...base, check_health_command: "true", health_check_interval: 60_000, health_check_timeout: 5_000, health_check_grace_period: 0 },
    { ...defaults, healthCheck: { command: "true", intervalMs: 60_000, timeoutMs: 5_000, graceMs: 0 } },
  ],
  ["a blank health check command means none", { ...base, check_health_command: "   " }, defaults],
  ["stop signal TERM means SIGTERM", { ...base, stop_signal: "TERM" }, defaults],
  ["stop signal is case-insensitive", { ...base, stop_signal: "hup" }, { ...defaults, stopSignal: "SIGHUP" }],
  ["stop signal SIGUSR1 is kept", { ...base, stop_signal: "SIGUSR1" }, { ...defaults, stopSignal: "SIGUSR1" }],
  ["stop timeout may be zero", { ...base, stop_timeout: 0 }, { ...defaults, stopTimeoutMs: 0 }],
  [
    "disabled flag and annotation are kept",
    { ...base, is_disabled: true, annotation: "paused for maintenance ✓" },
    { ...defaults, isDisabled: true, annotation: "paused for maintenance ✓" },
  ],
  [
    "null optional fields take their defaults",
    { ...base, working_directory: null, environment: null, check_health_command: null, is_disabled: null, annotation: null, stop_signal: null, stop_timeout: null },
    defaults,
  ],
];

const invalid: [string, unknown, FieldError[]][] = [
  ["an empty object misses name and command", {}, [{ field: "name", rule: "is required" }, { field: "command", rule: "is required" }]],
  ["input must be an object", null, [{ field: "service", rule: "must be an object" }]],
  ["an array is not an object", [base], [{ field: "service", rule: "must be an object" }]],
  ["name with capitals", { ...base, name: "Web" }, [{ field: "name", rule: "must match ^[a-z][a-z0-9-]{0,62}$" }]],
  ["name starting with a digit", { ...base, name: "1web" }, [{ field: "name", rule: "must match ^[a-z][a-z0-9-]{0,62}$" }]],
  ["name of 64 characters", { ...base, name: "a".repeat(64) }, [{ field: "name", rule: "must match ^[a-z][a-z0-9-]{0,62}$" }]],
  ["name of the wrong type", { ...base, name: 5 }, [{ field: "name", rule: "must be a string" }]],
  ["blank command", { ...base, command: "  \t" }, [{ field: "command", rule: "must not be empty" }]],
  ["command of the wrong type", { ...base, command: 42 }, [{ field: "command", rule: "must be a string" }]],
  ["command with NUL", { ...base, command: "a\0b" }, [{ field: "command", rule: "must not contain NUL characters" }]],
  ["command over 4096 bytes counted as UTF-8", { ...base, command: "é".repeat(2049) }, [{ field: "command", rule: "must be at most 4096 bytes" }]],
  ["absolute working directory", { ...base, working_directory: "/srv/app" }, [{ field: "working_directory", rule: "must be relative to the account's home directory" }]],
  ["working directory escaping the home", { ...base, working_directory: "../other" }, [{ field: "working_directory", rule: "must not leave the account's home directory" }]],
  ["working directory escaping after a detour", { ...base, working_directory: "a/../../b" }, [{ field: "working_directory", rule: "must not leave the account's home directory" }]],
  ["working directory with NUL", { ...base, working_directory: "a\0" }, [{ field: "working_directory", rule: "must not contain NUL characters" }]],
  ["working directory over 1024 bytes", { ...base, working_directory: "d".repeat(1025) }, [{ field: "working_directory", rule: "must be at most 1024 bytes" }]],
  ["working directory of the wrong type", { ...base, working_directory: ["a"] }, [{ field: "working_directory", rule: "must be a string" }]],
  ["PORT is reserved", { ...base, environment: { PORT: "80" } }, [{ field: "environment.PORT", rule: "is reserved for Vigil" }]],
  [
    "every reserved name is refused",
    { ...base, environment: { USER: "x", PORTS: "1", LOGNAME: "x", HOME: "/", VIGIL_TOKEN: "t" } },
    ["HOME", "LOGNAME", "PORTS", "USER", "VIGIL_TOKEN"].map((name) => ({ field: `environment.${name}`, rule: "is reserved for Vigil" })),
  ],
  ["bad variable name in the map", { ...base, environment: { "1A": "x" } }, [{ field: "environment.1A", rule: "name must match ^[A-Za-z_][A-Za-z0-9_]*$" }]],
  ["non-string variable value", { ...base, environment: { A: 1 } }, [{ field: "environment.A", rule: "must be a string" }]],
  ["variable value with NUL", { ...base, environment: { A: "x\0y" } }, [{ field: "environment.A", rule: "must not contain NUL characters" }]],
  ["too many variables", { ...base, environment: manyVariables }, [{ field: "environment", rule: "must have at most 128 variables" }]],
  [
    "environment over 32 KiB",
    { ...base, environment: { A: "x".repeat(20_000), B: "y".repeat(20_000) } },
    [{ field: "environment", rule: "must be at most 32768 bytes in total, counted as NAME=value pairs" }],
  ],
  ["environment of the wrong type", { ...base, environment: ["A=1"] }, [{ field: "environment", rule: "must be an object of strings or a string" }]],
  ["unterminated quote in the environment string", { ...base, environment: 'A="x y' }, [{ field: "environment", rule: "unterminated double quote starting at character 3" }]],
  ["assignment without = in the environment string", { ...base, environment: "A=1 oops" }, [{ field: "environment", rule: 'missing "=" in "oops"' }]],
  ["reserved name in the environment string", { ...base, environment: "PORT=80" }, [{ field: "environment.PORT", rule: "is reserved for Vigil" }]],
  ["environment_string of the wrong type", { ...base, environment_string: 3 }, [{ field: "environment_string", rule: "must be a string" }]],
  ["health check command of the wrong type", { ...base, check_health_command: 7 }, [{ field: "check_health_command", rule: "must be a string" }]],
  [
    "interval below one second",
    { ...base, check_health_command: "true", health_check_interval: 999 },
    [{ field: "health_check_interval", rule: "must be between 1000 and 86400000 milliseconds" }],
  ],
  [
    "fractional interval",
    { ...base, check_health_command: "true", health_check_interval: 1500.5 },
    [{ field: "health_check_interval", rule: "must be an integer number of milliseconds" }],
  ],
  [
    "interval as a string",
    { ...base, check_health_command: "true", health_check_interval: "30000" },
    [{ field: "health_check_interval", rule: "must be an integer number of milliseconds" }],
  ],
  ["timeout below 100 ms", { ...base, check_health_command: "true", health_check_timeout: 50 }, [{ field: "health_check_timeout", rule: "must be between 100 and 300000 milliseconds" }]],
  [
    "timeout not below the interval",
    { ...base, check_health_command: "true", health_check_interval: 5_000, health_check_timeout: 5_000 },
    [{ field: "health_check_timeout", rule: "must be less than health_check_interval (5000 milliseconds)" }],
  ],
  [
    "grace period over a day",
    { ...base, check_health_command: "true", health_check_grace_period: 86_400_001 },
    [{ field: "health_check_grace_period", rule: "must be between 0 and 86400000 milliseconds" }],
  ],
  [
    "health check timings without a command",
    { ...base, health_check_interval: 60_000, health_check_timeout: 1_000 },
    [
      { field: "health_check_interval", rule: "requires check_health_command" },
      { field: "health_check_timeout", rule: "requires check_health_command" },
    ],
  ],
  ["is_disabled as a string", { ...base, is_disabled: "yes" }, [{ field: "is_disabled", rule: "must be a boolean" }]],
  ["annotation over 1024 bytes", { ...base, annotation: "x".repeat(1025) }, [{ field: "annotation", rule: "must be at most 1024 bytes" }]],
  ["annotation with NUL", { ...base, annotation: "\0" }, [{ field: "annotation", rule: "must not contain NUL characters" }]],
  [
    "SIGKILL as the stop signal",
    { ...base, stop_signal: "KILL" },
    [{ field: "stop_signal", rule: "must be a signal the service can catch, not SIGKILL (Vigil sends SIGKILL after stop_timeout)" }],
  ],
  [
    "SIGSTOP as the stop signal",
    { ...base, stop_signal: "SIGSTOP" },
    [{ field: "stop_signal", rule: "must be a signal the service can catch, not SIGSTOP (Vigil sends SIGKILL after stop_timeout)" }],
  ],
  [
    "unknown stop signal",
    { ...base, stop_signal: "SIGBOGUS" },
    [{ field: "stop_signal", rule: "must be one of SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGWINCH" }],
  ],
  ["stop signal as a number", { ...base, stop_signal: 15 }, [{ field: "stop_signal", rule: "must be a string" }]],
  ["negative stop timeout", { ...base, stop_timeout: -1 }, [{ field: "stop_timeout", rule: "must be between 0 and 300000 milliseconds" }]],
  ["stop timeout over five minutes", { ...base, stop_timeout: 300_001 }, [{ field: "stop_timeout", rule: "must be between 0 and 300000 milliseconds" }]],
  [
    "a misspelt field is unknown and its intended field is missing",
    { name: "web", comand: "node ." },
    [
      { field: "command", rule: "is required" },
      { field: "comand", rule: "unknown field" },
    ],
  ],
  ["ports are not part of the spec", { ...base, ports: [8300] }, [{ field: "ports", rule: "unknown field" }]],
];

void describe("compileServiceSpec accepts valid input", () => {
  for (const [title, input, expected] of valid) {
    void test(title, () => {
      assert.deepEqual(compileServiceSpec(input), { ok: true, value: expected });
    });
  }
});

void describe("compileServiceSpec refuses invalid input naming the field and the rule", () => {
  for (const [title, input, errors] of invalid) {
    void test(title, () => {
      assert.deepEqual(compileServiceSpec(input as UntrustedInput), { ok: false, errors });
    });
  }
});

void test("an invalid spec lists every broken field, in the order of the field table", () => {
  const result = compileServiceSpec({
    stop_timeout: "soon",
    stop_signal: "KILL",
    annotation: 1,
    is_disabled: 0,
    health_check_grace_period: -5,
    health_check_timeout: 0,
    health_check_interval: 10,
    check_health_command: "true",
    environment: { HOME: "/tmp" },
    working_directory: "/etc",
    command: "",
    name: "Bad Name",
    extra: true,
  });
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.ok ? [] : result.errors.map((error) => error.field),
    [
      "name",
      "command",
      "working_directory",
      "environment.HOME",
      "health_check_interval",
      "health_check_timeout",
      "health_check_grace_period",
      "is_disabled",
      "annotation",
      "stop_signal",
      "stop_timeout",
      "extra",
    ],
  );
});
