// Two Ajv instances behind Fastify's validation: the path and query arrive as text and are
// coerced to the schema's types ("lines=10"); a JSON body is not, so 1 is never taken for "1".
import { Ajv, type Options } from "ajv";
import { type FastifySchemaCompiler } from "fastify";

const COMMON: Options = { allErrors: true, removeAdditional: false, useDefaults: false, strict: false };

export function requestValidators(): FastifySchemaCompiler<object> {
  const coercing = new Ajv({ ...COMMON, coerceTypes: "array" });
  const exact = new Ajv({ ...COMMON, coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === "body" ? exact : coercing).compile(schema);
}
