// Refuses, at the gRPC edge, any string PostgreSQL cannot store (NUL, lone surrogates) anywhere in
// a decoded request, so no handler can hand one to SQL and turn the caller's input into INTERNAL.
import * as protocol from "@vigil/shared";
import { type FieldError } from "@vigil/shared";

/**
 * Field names (lowerCamel, as decoded) of the protocol's map fields: ts-proto emits a
 * `<Message>_<Field>Entry` type for each, so the set follows the .proto files without a list.
 * Their keys are data (environment variable names), not field names to rename.
 */
export const MAP_FIELDS: ReadonlySet<string> = new Set(
  Object.keys(protocol)
    .map((name) => /^[A-Z]\w*_(\w+)Entry$/.exec(name)?.[1])
    .filter((field): field is string => field !== undefined)
    .map((field) => field.charAt(0).toLowerCase() + field.slice(1)),
);

export const NUL_RULE = "must not contain NUL characters";
export const SURROGATE_RULE = "must be valid Unicode (no lone surrogates)";

/** What is wrong with `text` for PostgreSQL's text type; undefined if nothing. */
export function unstorableRule(text: string): string | undefined {
  if (text.includes("\0")) return NUL_RULE;
  // With the u flag a surrogate pair is one code point, so only a lone half matches.
  if (/\p{Cs}/u.test(text)) return SURROGATE_RULE;
  return undefined;
}

/** The proto (snake_case) name of a decoded field. */
export function protoFieldName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The first string in `message` (fields, repeated elements, map keys and values, oneof values)
 * PostgreSQL could not store, as a FieldError naming its path ("services[2].spec.name",
 * `spec.environment["PORT"]`); null when there is none. `skip` leaves out paths that never reach
 * the store (a log line a tenant wrote, on its way back to a client).
 */
export function findUnstorableString(message: unknown, skip: (path: string) => boolean = () => false): FieldError | null {
  return walk(message, "", skip);
}

function walk(value: unknown, path: string, skip: (path: string) => boolean): FieldError | null {
  if (path !== "" && skip(path)) return null;
  if (typeof value === "string") {
    const rule = unstorableRule(value);
    return rule === undefined ? null : { field: path, rule };
  }
  if (Array.isArray(value)) {
    for (const [index, element] of value.entries()) {
      const found = walk(element, `${path}[${index}]`, skip);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return null;
  for (const [key, field] of Object.entries(value)) {
    const found = walkField(key, field, path, skip);
    if (found !== null) return found;
  }
  return null;
}

function walkField(key: string, field: unknown, path: string, skip: (path: string) => boolean): FieldError | null {
  const join = (name: string) => (path === "" ? name : `${path}.${name}`);
  if (typeof field !== "object" || field === null) return walk(field, join(protoFieldName(key)), skip);
  // A oneof decodes as { $case, value }; its member is a field of this message, named by $case.
  if ("$case" in field && "value" in field) return walk(field.value, join(protoFieldName(String(field.$case))), skip);
  if (MAP_FIELDS.has(key)) return walkMap(field as Readonly<Record<string, unknown>>, join(protoFieldName(key)), skip);
  return walk(field, join(protoFieldName(key)), skip);
}

function walkMap(map: Readonly<Record<string, unknown>>, path: string, skip: (path: string) => boolean): FieldError | null {
  for (const [key, entry] of Object.entries(map)) {
    const rule = unstorableRule(key);
    if (rule !== undefined) return { field: path, rule: `keys ${rule}` };
    const found = walk(entry, `${path}[${JSON.stringify(key)}]`, skip);
    if (found !== null) return found;
  }
  return null;
}

/**
 * A copy of `value` in which every NUL and lone surrogate of every string (map keys too) is
 * U+FFFD: for reports whose text a tenant may control (a health check's output), which must be
 * stored rather than refused, and must not poison the event stream by failing on every delivery.
 */
export function storableCopy<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value === "string") return unstorableRule(value) === undefined ? value : value.replace(/\0|\p{Cs}/gu, "\uFFFD");
  if (Array.isArray(value)) return value.map(copy);
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [copy(key) as string, copy(field)]));
}
