// Validation errors that name the field and the rule, shared by every edge of the system.
// A FieldError renders as "<field>: <rule>", the form users see from the API and the CLI.

export interface FieldError {
  /** Dotted path of the offending input, e.g. "environment.PORT" or "health_check_timeout". */
  readonly field: string;
  /** The rule that was broken, as a sentence fragment: "must not be empty". */
  readonly rule: string;
}

export type Compiled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] };

export function formatFieldError(error: FieldError): string {
  return `${error.field}: ${error.rule}`;
}

export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map(formatFieldError).join("; ");
}

/** Thrown where a compile result must be unwrapped; carries every field error. */
export class InvalidInputError extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(formatFieldErrors(errors));
    this.name = "InvalidInputError";
  }
}
