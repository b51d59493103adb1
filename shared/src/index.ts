// Public surface of @vigil/shared: protocol types, the spec compiler, config, errors.
// Pure: nothing here performs I/O.
export * from "./gen/index.js";
export type { AccountRuntime, CompiledHealthCheck, CompiledServiceSpec, DesiredServiceSpec } from "./spec/compiled-service-spec.js";
export { serviceKey } from "./spec/compiled-service-spec.js";
export type { Compiled, FieldError } from "./errors.js";
export { formatFieldError, formatFieldErrors, InvalidInputError } from "./errors.js";
export type { CompiledHostConfig, CompiledLogRotation } from "./config/host-config.js";
export { compileHostConfig, DEFAULT_BASE_ENVIRONMENT } from "./config/host-config.js";
export type { CompiledRestartPolicy } from "./config/restart-policy-config.js";
export { DEFAULT_RESTART_POLICY } from "./config/restart-policy-config.js";
export type { LanguagePaths } from "./config/language-paths.js";
