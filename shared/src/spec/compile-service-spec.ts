// compileServiceSpec: turns a user's service definition into a validated, fully defaulted
// CompiledServiceSpec, or into every broken field at once, ordered as in DESIGN.md's table.
import type { Compiled, FieldError } from "../errors.js";
import type { CompiledServiceSpec } from "./compiled-service-spec.js";
import { readCommand } from "./command-text.js";
import { compileEnvironment } from "./environment.js";
import { checkText, fieldValue, isRecord, readBoolean, readMilliseconds, readString } from "./field-readers.js";
import { compileHealthCheck } from "./health-check.js";
import { ANNOTATION_MAX_BYTES, DEFAULT_STOP_TIMEOUT_MS, SERVICE_NAME_PATTERN, STOP_TIMEOUT_MS } from "./limits.js";
import { compileResourceLimits } from "./resource-limits.js";
import { SERVICE_INPUT_FIELDS, type ServiceSpecInput, type UntrustedInput } from "./service-spec-input.js";
import { compileStopSignal } from "./stop-signal.js";
import { normaliseWorkingDirectory } from "./working-directory.js";

const KNOWN_FIELDS: ReadonlySet<string> = new Set(SERVICE_INPUT_FIELDS);

function fieldRank(field: string): number {
  const root = /^[^.[]*/.exec(field)?.[0] ?? field;
  const index = (SERVICE_INPUT_FIELDS as readonly string[]).indexOf(root);
  return index < 0 ? SERVICE_INPUT_FIELDS.length : index;
}

/** Stable: errors of one field keep the order they were found in; unknown fields come last. */
export function orderFieldErrors(errors: readonly FieldError[]): FieldError[] {
  return [...errors].sort((a, b) => fieldRank(a.field) - fieldRank(b.field));
}

function compileName(input: UntrustedInput, errors: FieldError[]): string {
  const name = readString(input, "name", errors);
  if (name === undefined) {
    if (fieldValue(input, "name") === undefined) errors.push({ field: "name", rule: "is required" });
  } else if (!SERVICE_NAME_PATTERN.test(name)) {
    errors.push({ field: "name", rule: `must match ${SERVICE_NAME_PATTERN.source}` });
  }
  return name ?? "";
}

function compileRequiredCommand(input: UntrustedInput, errors: FieldError[]): string {
  const command = readCommand(input, "command", errors);
  if (command !== "") return command ?? "";
  errors.push({ field: "command", rule: fieldValue(input, "command") === undefined ? "is required" : "must not be empty" });
  return "";
}

function compileWorkingDirectory(input: UntrustedInput, errors: FieldError[]): string {
  const raw = readString(input, "working_directory", errors);
  if (raw === undefined) return "";
  const normalised = normaliseWorkingDirectory(raw);
  if (normalised.ok) return normalised.value;
  errors.push(...normalised.errors);
  return "";
}

function compileAnnotation(input: UntrustedInput, errors: FieldError[]): string {
  const annotation = readString(input, "annotation", errors) ?? "";
  return checkText(annotation, "annotation", ANNOTATION_MAX_BYTES, errors) ? annotation : "";
}

/** Compiles user input (typed or straight from JSON) into a CompiledServiceSpec. Pure. */
export function compileServiceSpec(input: ServiceSpecInput | UntrustedInput): Compiled<CompiledServiceSpec> {
  if (!isRecord(input)) return { ok: false, errors: [{ field: "service", rule: "must be an object" }] };
  const raw: UntrustedInput = input;
  const errors: FieldError[] = [];
  const value: CompiledServiceSpec = {
    name: compileName(raw, errors),
    command: compileRequiredCommand(raw, errors),
    workingDirectory: compileWorkingDirectory(raw, errors),
    environment: compileEnvironment(raw, errors),
    healthCheck: compileHealthCheck(raw, errors),
    isDisabled: readBoolean(raw, "is_disabled", errors) ?? false,
    annotation: compileAnnotation(raw, errors),
    stopSignal: compileStopSignal(raw, errors),
    stopTimeoutMs: readMilliseconds(raw, "stop_timeout", STOP_TIMEOUT_MS, errors) ?? DEFAULT_STOP_TIMEOUT_MS,
    limits: compileResourceLimits(raw, errors),
  };
  for (const field of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(field)) errors.push({ field, rule: "unknown field" });
  }
  return errors.length > 0 ? { ok: false, errors: orderFieldErrors(errors) } : { ok: true, value };
}
