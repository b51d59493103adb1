// Round trips between compiled specs and the vigil.v1 protocol messages, through real
// protobuf encoding, and the validation an agent applies to what it receives.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DesiredService, ServiceSpec } from "../gen/vigil/v1/service.js";
import type { CompiledServiceSpec, DesiredServiceSpec } from "./compiled-service-spec.js";
import { NO_LIMITS } from "./resource-limits.js";
import { accountIdentityToProto, accountRuntimeFromProto, desiredServiceFromProto, desiredServiceToProto, serviceSpecFromProto, serviceSpecToProto } from "./protocol-mapping.js";

const spec: CompiledServiceSpec = {
  name: "chat",
  command: "node chat.js",
  workingDirectory: "apps/chat",
  environment: { A: "x y", NODE_ENV: "production" },
  healthCheck: { command: "curl -f localhost:$PORT", intervalMs: 20_000, timeoutMs: 5_000, graceMs: 0 },
  isDisabled: true,
  annotation: "chat ✓",
  stopSignal: "SIGINT",
  stopTimeoutMs: 0,
  limits: NO_LIMITS,
};
const desired: DesiredServiceSpec = {
  account: { name: "acme", unixUser: "acme", uid: 1001, gid: 1002, home: "/home/acme", environment: { TZ: "UTC" }, languageVersions: { NODEJS_VERSION: "20" }, limits: NO_LIMITS },
  spec,
  ports: [8300, 8301],
  disabledReason: "crash-loop",
  desiredState: "stopped",
};

void test("a desired service survives encoding to the wire and back", () => {
  const wire = DesiredService.encode(desiredServiceToProto(desired, 42, "private")).finish();
  assert.deepEqual(desiredServiceFromProto(DesiredService.decode(wire)), { ok: true, value: { desired, revision: 42, cloud: "private" } });
});

void test("an account address travels with the service; anything but one IPv6 address is refused naming the field", () => {
  const withAddress = { ...desired, accountAddress: "2001:db8:a::1" };
  const wire = DesiredService.encode(desiredServiceToProto(withAddress, 42, "public")).finish();
  assert.deepEqual(desiredServiceFromProto(DesiredService.decode(wire)), { ok: true, value: { desired: withAddress, revision: 42, cloud: "public" } });
  for (const accountAddress of ["10.0.0.1", "2001:db8:a::/64", "2001:db8:a::1 dev lo"]) {
    const decoded = desiredServiceFromProto({ ...desiredServiceToProto(desired, 3, "public"), accountAddress });
    assert.deepEqual(decoded, { ok: false, errors: [{ field: "account_address", rule: "must be one IPv6 address" }] }, accountAddress);
  }
});

void test("a desired service from a coordinator that sends no desired state is meant to run", () => {
  const decoded = desiredServiceFromProto({ ...desiredServiceToProto(desired, 3, "public"), desiredState: "" });
  assert.ok(decoded.ok);
  assert.equal(decoded.value.desired.desiredState, "running");
});

void test("a desired state other than running or stopped is refused naming the field", () => {
  const decoded = desiredServiceFromProto({ ...desiredServiceToProto(desired, 3, "public"), desiredState: "paused" });
  assert.deepEqual(decoded, { ok: false, errors: [{ field: "desired_state", rule: "must be one of running, stopped" }] });
});

void test("a spec without a health check travels without one and comes back as null", () => {
  const plain = { ...spec, healthCheck: null, isDisabled: false };
  const message = serviceSpecToProto(plain);
  assert.equal(message.healthCheck, undefined);
  const decoded = ServiceSpec.decode(ServiceSpec.encode(message).finish());
  assert.deepEqual(serviceSpecFromProto(decoded), { ok: true, value: { spec: plain, disabledReason: "" } });
});

void test("an account identity round-trips with its cloud", () => {
  const message = accountIdentityToProto(desired.account, "public");
  assert.equal(message.cloud, "public");
  assert.deepEqual(accountRuntimeFromProto(message), { ok: true, value: { account: desired.account, cloud: "public" } });
});

void test("an empty stop signal on the wire means the default", () => {
  const result = serviceSpecFromProto({ ...serviceSpecToProto(spec), stopSignal: "" });
  assert.ok(result.ok);
  assert.equal(result.value.spec.stopSignal, "SIGTERM");
});

void test("a received desired service is validated, every broken field named", () => {
  const message = desiredServiceToProto(desired, 7, "public");
  const broken: DesiredService = {
    ...message,
    account: { ...message.account!, cloud: "moon", uid: 0, gid: 0, home: "home/acme", environment: { VIGIL_X: "1" } },
    spec: { ...message.spec!, workingDirectory: "../etc", environment: { PORT: "1" } },
    ports: [8300, 70000, 8300],
  };
  assert.deepEqual(desiredServiceFromProto(broken), {
    ok: false,
    errors: [
      { field: "account.cloud", rule: "must be one of public, private" },
      { field: "account.uid", rule: "must not be 0 (root)" },
      { field: "account.gid", rule: "must not be 0 (root)" },
      { field: "account.home", rule: "must be an absolute path" },
      { field: "account.environment.VIGIL_X", rule: "is reserved for Vigil" },
      { field: "spec.working_directory", rule: "must not leave the account's home directory" },
      { field: "spec.environment.PORT", rule: "is reserved for Vigil" },
      { field: "ports[1]", rule: "must be between 1 and 65535" },
      { field: "ports[2]", rule: "repeats port 8300" },
    ],
  });
});

void test("a desired service without account or spec is refused", () => {
  assert.deepEqual(desiredServiceFromProto(DesiredService.fromPartial({ ports: [8300] })), {
    ok: false,
    errors: [
      { field: "account", rule: "is required" },
      { field: "spec", rule: "is required" },
    ],
  });
});
