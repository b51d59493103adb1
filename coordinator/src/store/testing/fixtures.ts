// Test fixtures: a valid account input and compiled service spec with overridable fields,
// so store tests state only what matters to them.
import { type CompiledServiceSpec, NO_LIMITS } from "@vigil/shared";
import { type AccountInput } from "../repositories/accounts.js";

export function sampleAccount(name: string, overrides: Partial<AccountInput> = {}): AccountInput {
  return { name, cloud: "public", unixUser: name, uid: 10_000, gid: 10_000, home: `/home/${name}`, ...overrides };
}

export function sampleSpec(name: string, overrides: Partial<CompiledServiceSpec> = {}): CompiledServiceSpec {
  return {
    name,
    command: `exec ./bin/${name}`,
    workingDirectory: "",
    environment: {},
    healthCheck: null,
    isDisabled: false,
    annotation: "",
    stopSignal: "SIGTERM",
    stopTimeoutMs: 10_000,
    limits: NO_LIMITS,
    ...overrides,
  };
}
