// Fastify's schema compilers, made lazy: a route's request validator and response serializer are
// compiled on the route's first request, and fast-json-stringify is loaded then too. Compiling ~60
// routes' schemas (and loading the serializer's Ajv) at start took ~0.5 s of CPU before `vigil up`
// could say it is ready; a route nobody calls never costs anything.
import { createRequire } from "node:module";
import { type FastifyServerOptions } from "fastify";
import { requestValidators } from "./request-validators.js";

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;
type BuildSerializer = NonNullable<CompilersFactory["buildSerializer"]>;
type BuildValidator = NonNullable<CompilersFactory["buildValidator"]>;
type Validate = ((data: unknown) => unknown) & { errors?: unknown };

/** Fastify's own serializer factory, loaded from where Fastify resolves it, on first use. */
function fastJsonStringifyFactory(): BuildSerializer {
  const fromFastify = createRequire(createRequire(import.meta.url).resolve("fastify"));
  return (fromFastify("@fastify/fast-json-stringify-compiler") as { SerializerSelector: () => BuildSerializer }).SerializerSelector();
}

/** Compiles `make()` once, the first time the result is called; the validator's `errors` are passed on. */
function lazyValidator(make: () => Validate): Validate {
  let compiled: Validate | undefined;
  const validate: Validate = (data) => {
    compiled ??= make();
    const result = compiled(data);
    validate.errors = compiled.errors;
    return result;
  };
  return validate;
}

export function lazySchemaCompilers(): CompilersFactory {
  let serializerFactory: BuildSerializer | undefined;
  const buildSerializer: BuildSerializer = (externalSchemas, options) => (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) => {
      serialize ??= (serializerFactory ??= fastJsonStringifyFactory())(externalSchemas, options)(route);
      return serialize(data);
    };
  };
  const buildValidator = (() => {
    const compile = requestValidators();
    return (route: Parameters<typeof compile>[0]) => lazyValidator(() => compile(route) as Validate);
  }) as unknown as BuildValidator;
  return { buildSerializer, buildValidator };
}
