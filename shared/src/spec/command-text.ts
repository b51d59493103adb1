// Reads a shell command line field (`command`, `check_health_command`): trimmed, bounded, no NUL.
// Trimming keeps the compiled form canonical; blanks at either end mean nothing to /bin/sh -c.
import type { FieldError } from "../errors.js";
import { checkText, fieldValue } from "./field-readers.js";
import { COMMAND_MAX_BYTES } from "./limits.js";
import type { UntrustedInput } from "./service-spec-input.js";

/** The trimmed command, "" when absent or blank, undefined when the field is broken. */
export function readCommand(input: UntrustedInput, field: string, errors: FieldError[]): string | undefined {
  const raw = fieldValue(input, field);
  if (raw === undefined) return "";
  if (typeof raw !== "string") {
    errors.push({ field, rule: "must be a string" });
    return undefined;
  }
  const command = raw.trim();
  return checkText(command, field, COMMAND_MAX_BYTES, errors) ? command : undefined;
}
