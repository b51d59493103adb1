// The limits columns of accounts and services hold the API's input form; this reads one back into
// ResourceLimits. Only compiled limits are ever written, so a failure here is a corrupt row.
import { compileResourceLimits, type FieldError, formatFieldErrors, type ResourceLimits } from "@vigil/shared";

export function limitsFromColumn(column: Readonly<Record<string, number>>): ResourceLimits {
  const errors: FieldError[] = [];
  const limits = compileResourceLimits(column, errors);
  if (errors.length > 0) throw new Error(`stored limits ${JSON.stringify(column)} are invalid: ${formatFieldErrors(errors)}`);
  return limits;
}
