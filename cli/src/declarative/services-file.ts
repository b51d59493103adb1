// The declarative services file of `vigil apply`: one account's desired services as YAML,
// validated with the spec compiler into compiled specs; errors name the path in the file.
import { type CompiledServiceSpec, compileServiceSpec, type FieldError, SERVICE_INPUT_FIELDS, type ServiceInputField } from "@vigil/shared";
import { parse } from "yaml";

export interface ServicesFile {
  /** The account the file is for; empty when it leaves that to --account or the token. */
  readonly account: string;
  readonly services: readonly CompiledServiceSpec[];
}

/** A file's service fields: every field of a definition but the name (the key) and the REST string form of the environment. */
export type FileServiceField = Exclude<ServiceInputField, "name" | "environment_string">;
export const FILE_SERVICE_FIELDS: readonly FileServiceField[] = SERVICE_INPUT_FIELDS.filter(
  (field): field is FileServiceField => field !== "name" && field !== "environment_string",
);

export type ParsedServicesFile = { readonly ok: true; readonly value: ServicesFile } | { readonly ok: false; readonly errors: readonly FieldError[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseServicesFile(text: string): ParsedServicesFile {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return { ok: false, errors: [{ field: "file", rule: `is not valid YAML: ${(error as Error).message.split("\n")[0]}` }] };
  }
  if (!isRecord(document)) return { ok: false, errors: [{ field: "file", rule: "must be a mapping with `services:`" }] };
  const errors: FieldError[] = [];
  for (const key of Object.keys(document)) if (key !== "account" && key !== "services") errors.push({ field: key, rule: "unknown field (expected account, services)" });
  const account = document["account"] ?? "";
  if (typeof account !== "string") errors.push({ field: "account", rule: "must be a string" });
  const services = document["services"] ?? {};
  if (!isRecord(services)) return { ok: false, errors: [...errors, { field: "services", rule: "must be a mapping of service name to definition" }] };
  const compiled: CompiledServiceSpec[] = [];
  for (const [name, definition] of Object.entries(services)) {
    const path = `services.${name}`;
    if (!isRecord(definition)) {
      errors.push({ field: path, rule: "must be a mapping (command, environment, ...)" });
      continue;
    }
    const known = Object.entries(definition).filter(([key]) => (FILE_SERVICE_FIELDS as readonly string[]).includes(key));
    for (const key of Object.keys(definition)) {
      if (!(FILE_SERVICE_FIELDS as readonly string[]).includes(key)) errors.push({ field: `${path}.${key}`, rule: `unknown field (expected one of ${FILE_SERVICE_FIELDS.join(", ")})` });
    }
    // Unknown keys are reported once, above; the compiler sees only the known ones.
    const result = compileServiceSpec({ ...Object.fromEntries(known), name });
    if (result.ok) compiled.push(result.value);
    else errors.push(...result.errors.map((error) => ({ field: error.field === "name" ? path : `${path}.${error.field}`, rule: error.rule })));
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { account: typeof account === "string" ? account : "", services: compiled.sort((a, b) => a.name.localeCompare(b.name)) } };
}
