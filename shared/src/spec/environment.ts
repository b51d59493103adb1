// Compiles a service's environment from its map form, its REST string form, or both, and
// enforces the naming, reserved-name and size rules of limits.ts.
import type { FieldError } from "../errors.js";
import { parseEnvironmentString } from "./environment-string.js";
import { fieldValue, isRecord, utf8ByteLength } from "./field-readers.js";
import {
  ENVIRONMENT_MAX_BYTES,
  ENVIRONMENT_MAX_VARIABLES,
  ENVIRONMENT_NAME_MAX_BYTES,
  ENVIRONMENT_NAME_PATTERN,
  RESERVED_ENVIRONMENT_NAMES,
  RESERVED_ENVIRONMENT_PREFIX,
} from "./limits.js";
import type { UntrustedInput } from "./service-spec-input.js";

export function isReservedEnvironmentName(name: string): boolean {
  return RESERVED_ENVIRONMENT_NAMES.includes(name) || name.startsWith(RESERVED_ENVIRONMENT_PREFIX);
}

function addString(text: string, field: string, into: Map<string, unknown>, errors: FieldError[]): void {
  const parsed = parseEnvironmentString(text, field);
  if (!parsed.ok) errors.push(...parsed.errors);
  else for (const [name, value] of parsed.value) into.set(name, value);
}

/**
 * Gathers the variables of `environment_string` and `environment` (map or string) without
 * judging them yet. Strings are applied first and the map last, so the map wins on a clash.
 * Values stay unknown: a non-string map value is reported by validateEnvironment by name.
 */
export function collectEnvironment(input: UntrustedInput, errors: FieldError[]): Map<string, unknown> {
  const collected = new Map<string, unknown>();
  const text = fieldValue(input, "environment_string");
  if (typeof text === "string") addString(text, "environment_string", collected, errors);
  else if (text !== undefined) errors.push({ field: "environment_string", rule: "must be a string" });
  const environment = fieldValue(input, "environment");
  if (typeof environment === "string") addString(environment, "environment", collected, errors);
  else if (isRecord(environment)) for (const [name, value] of Object.entries(environment)) collected.set(name, value);
  else if (environment !== undefined) errors.push({ field: "environment", rule: "must be an object of strings or a string" });
  return collected;
}

/** Checks every variable, then the totals; returns the variables sorted by name. */
export function validateEnvironment(variables: ReadonlyMap<string, unknown>, errors: FieldError[], field = "environment"): Record<string, string> {
  const accepted: [string, string][] = [];
  let totalBytes = 0;
  for (const name of [...variables.keys()].sort()) {
    const value = variables.get(name);
    const entryField = `${field}.${name}`;
    totalBytes += utf8ByteLength(name) + utf8ByteLength(typeof value === "string" ? value : "") + 2; // "=" and the NUL execve adds
    if (!ENVIRONMENT_NAME_PATTERN.test(name)) errors.push({ field: entryField, rule: `name must match ${ENVIRONMENT_NAME_PATTERN.source}` });
    else if (utf8ByteLength(name) > ENVIRONMENT_NAME_MAX_BYTES) errors.push({ field: entryField, rule: `name must be at most ${ENVIRONMENT_NAME_MAX_BYTES} bytes` });
    else if (isReservedEnvironmentName(name)) errors.push({ field: entryField, rule: "is reserved for Vigil" });
    else if (typeof value !== "string") errors.push({ field: entryField, rule: "must be a string" });
    else if (value.includes("\0")) errors.push({ field: entryField, rule: "must not contain NUL characters" });
    else accepted.push([name, value]);
  }
  if (variables.size > ENVIRONMENT_MAX_VARIABLES) errors.push({ field, rule: `must have at most ${ENVIRONMENT_MAX_VARIABLES} variables` });
  if (totalBytes > ENVIRONMENT_MAX_BYTES) errors.push({ field, rule: `must be at most ${ENVIRONMENT_MAX_BYTES} bytes in total, counted as NAME=value pairs` });
  return Object.fromEntries(accepted);
}

export function compileEnvironment(input: UntrustedInput, errors: FieldError[]): Record<string, string> {
  return validateEnvironment(collectEnvironment(input, errors), errors);
}

/** Account-wide variables and language versions from the coordinator obey the same rules. */
export function validateEnvironmentRecord(record: Readonly<Record<string, string>>, field: string, errors: FieldError[]): Record<string, string> {
  return validateEnvironment(new Map(Object.entries(record)), errors, field);
}
