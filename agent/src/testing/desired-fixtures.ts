// Builders of accounts and desired services for agent tests, with overridable parts, so each test
// states only what matters to it.
import { type AccountRuntime, type CompiledServiceSpec, type DesiredServiceSpec, NO_LIMITS, type ServiceDesiredState } from "@vigil/shared";

export function testAccount(overrides: Partial<AccountRuntime> = {}): AccountRuntime {
  return {
    name: "alice",
    unixUser: "alice",
    uid: 1500,
    gid: 1500,
    home: "/home/alice",
    environment: {},
    languageVersions: {},
    limits: NO_LIMITS,
    ...overrides,
  };
}

export function testSpec(overrides: Partial<CompiledServiceSpec> = {}): CompiledServiceSpec {
  return {
    name: "web",
    command: "node server.js",
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

export function testDesired(
  spec: Partial<CompiledServiceSpec> = {},
  more: { account?: Partial<AccountRuntime>; ports?: number[]; disabledReason?: string; desiredState?: ServiceDesiredState } = {},
): DesiredServiceSpec {
  return {
    account: testAccount(more.account),
    spec: testSpec(spec),
    ports: more.ports ?? [8300],
    disabledReason: more.disabledReason ?? "",
    desiredState: more.desiredState ?? "running",
  };
}
