// Public surface of @vigil/shared: protocol types, the spec compiler, config, errors.
// Pure: nothing here performs I/O.
export * from "./gen/index.js";
export type { AccountRuntime, CompiledHealthCheck, CompiledServiceSpec, DesiredServiceSpec } from "./spec/compiled-service-spec.js";
export { serviceKey } from "./spec/compiled-service-spec.js";
export type { Compiled, FieldError } from "./errors.js";
export { formatFieldError, formatFieldErrors, InvalidInputError } from "./errors.js";
