// Small readers that take one field of untrusted input, check its type and basic limits, and
// record a FieldError instead of throwing, so a compiler can report every broken field at once.
import type { FieldError } from "../errors.js";
import type { MillisecondRange } from "./limits.js";
import type { UntrustedInput } from "./service-spec-input.js";

export function isRecord(value: unknown): value is UntrustedInput {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Absent and null both mean "not given": JSON clients send null for optional fields. */
export function fieldValue(input: UntrustedInput, field: string): unknown {
  return Object.hasOwn(input, field) ? (input[field] ?? undefined) : undefined;
}

export function readString(input: UntrustedInput, field: string, errors: FieldError[]): string | undefined {
  const value = fieldValue(input, field);
  if (value === undefined || typeof value === "string") return value;
  errors.push({ field, rule: "must be a string" });
  return undefined;
}

export function readBoolean(input: UntrustedInput, field: string, errors: FieldError[]): boolean | undefined {
  const value = fieldValue(input, field);
  if (value === undefined || typeof value === "boolean") return value;
  errors.push({ field, rule: "must be a boolean" });
  return undefined;
}

/** An integer number of milliseconds within range, or undefined when absent or invalid. */
export function readMilliseconds(input: UntrustedInput, field: string, range: MillisecondRange, errors: FieldError[]): number | undefined {
  const value = fieldValue(input, field);
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    errors.push({ field, rule: "must be an integer number of milliseconds" });
  } else if (value < range.min || value > range.max) {
    errors.push({ field, rule: `must be between ${range.min} and ${range.max} milliseconds` });
  } else {
    return value;
  }
  return undefined;
}

/** Bytes the string takes as UTF-8, which is what the kernel and the database count. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** NUL cannot cross execve or a C string; longer text than maxBytes is refused. */
export function checkText(text: string, field: string, maxBytes: number, errors: FieldError[]): boolean {
  if (text.includes("\0")) {
    errors.push({ field, rule: "must not contain NUL characters" });
    return false;
  }
  if (utf8ByteLength(text) > maxBytes) {
    errors.push({ field, rule: `must be at most ${maxBytes} bytes` });
    return false;
  }
  return true;
}

/** Quotes user text for an error message, cut short so one bad value cannot flood a response. */
export function quoteForMessage(text: string, maxChars = 40): string {
  return JSON.stringify(text.length > maxChars ? `${text.slice(0, maxChars)}…` : text);
}
