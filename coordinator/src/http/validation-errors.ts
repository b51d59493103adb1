// Fastify's (Ajv's) validation errors as the API's field errors: the field by its dotted name
// (in the query, path or body, as the caller wrote it) and the rule as a sentence fragment.
import { type FieldError } from "@vigil/shared";

interface AjvError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

function dotted(instancePath: string): string {
  return instancePath
    .split("/")
    .filter((part) => part !== "")
    .join(".");
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

export function validationFieldErrors(errors: readonly AjvError[], context: string | undefined): FieldError[] {
  return errors.map((error) => {
    const path = dotted(error.instancePath);
    if (error.keyword === "required") return { field: join(path, String(error.params.missingProperty)), rule: "is required" };
    if (error.keyword === "additionalProperties") return { field: join(path, String(error.params.additionalProperty)), rule: `is not a field of this ${context ?? "request"}` };
    return { field: path === "" ? (context ?? "request") : path, rule: error.message ?? `breaks the ${error.keyword} rule` };
  });
}
