// Small builders of the JSON Schemas that Fastify validates HTTP requests with and that
// @fastify/swagger turns into /openapi.json: one definition serves both, nothing is written twice.

export type JsonSchema = Readonly<Record<string, unknown>>;

const UINT32_MAX = 4_294_967_295;

export const text = (description?: string): JsonSchema => ({ type: "string", ...(description !== undefined && { description }) });
export const uint32 = (description?: string): JsonSchema => ({ type: "integer", minimum: 0, maximum: UINT32_MAX, ...(description !== undefined && { description }) });
export const int32 = (description?: string): JsonSchema => ({ type: "integer", minimum: -2_147_483_648, maximum: 2_147_483_647, ...(description !== undefined && { description }) });
/** int64/uint64 fields travel as JSON numbers (exact up to 2^53, far beyond any time or counter here). */
export const int64 = (description?: string): JsonSchema => ({ type: "integer", ...(description !== undefined && { description }) });
export const number = (description?: string): JsonSchema => ({ type: "number", ...(description !== undefined && { description }) });
export const flag = (description?: string): JsonSchema => ({ type: "boolean", ...(description !== undefined && { description }) });
export const stringMap = (description?: string): JsonSchema => ({ type: "object", additionalProperties: { type: "string" }, ...(description !== undefined && { description }) });
export const list = (items: JsonSchema, description?: string): JsonSchema => ({ type: "array", items, ...(description !== undefined && { description }) });

/** An object with exactly these properties: an unknown field is refused, naming it. */
export function object(properties: Readonly<Record<string, JsonSchema>>, required: readonly string[] = [], description?: string): JsonSchema {
  return { type: "object", properties, additionalProperties: false, ...(required.length > 0 && { required: [...required] }), ...(description !== undefined && { description }) };
}

/** The properties of an object schema (for tests comparing schemas with the proto messages). */
export function propertiesOf(schema: JsonSchema): readonly string[] {
  return Object.keys((schema.properties ?? {}) as object);
}
