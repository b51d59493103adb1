// Compiles the optional health check ("monitoring command") and its timing fields.
// Defaults and bounds live in limits.ts; the timing fields need a command to mean anything.
import type { FieldError } from "../errors.js";
import type { CompiledHealthCheck } from "./compiled-service-spec.js";
import { readCommand } from "./command-text.js";
import { fieldValue, readMilliseconds } from "./field-readers.js";
import {
  DEFAULT_HEALTH_CHECK_GRACE_MS,
  DEFAULT_HEALTH_CHECK_INTERVAL_MS,
  DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
  HEALTH_CHECK_GRACE_MS,
  HEALTH_CHECK_INTERVAL_MS,
  HEALTH_CHECK_TIMEOUT_MS,
} from "./limits.js";
import type { UntrustedInput } from "./service-spec-input.js";

const TIMING_FIELDS = ["health_check_interval", "health_check_timeout", "health_check_grace_period"] as const;

export function compileHealthCheck(input: UntrustedInput, errors: FieldError[]): CompiledHealthCheck | null {
  const command = readCommand(input, "check_health_command", errors);
  if (command === "") {
    for (const field of TIMING_FIELDS) {
      if (fieldValue(input, field) !== undefined) errors.push({ field, rule: "requires check_health_command" });
    }
    return null;
  }
  const interval = readMilliseconds(input, "health_check_interval", HEALTH_CHECK_INTERVAL_MS, errors);
  const intervalMs = interval ?? DEFAULT_HEALTH_CHECK_INTERVAL_MS;
  const timeout = readMilliseconds(input, "health_check_timeout", HEALTH_CHECK_TIMEOUT_MS, errors);
  const timeoutMs = timeout ?? Math.min(DEFAULT_HEALTH_CHECK_TIMEOUT_MS, Math.floor(intervalMs / 2));
  // Only compare values that are valid on their own; a broken interval is reported already.
  const intervalUsable = interval !== undefined || fieldValue(input, "health_check_interval") === undefined;
  if (timeout !== undefined && intervalUsable && timeoutMs >= intervalMs) {
    errors.push({ field: "health_check_timeout", rule: `must be less than health_check_interval (${intervalMs} milliseconds)` });
  }
  const graceMs = readMilliseconds(input, "health_check_grace_period", HEALTH_CHECK_GRACE_MS, errors) ?? DEFAULT_HEALTH_CHECK_GRACE_MS;
  return command === undefined ? null : { command, intervalMs, timeoutMs, graceMs };
}
