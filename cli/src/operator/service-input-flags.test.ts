// Tests of the `service create` / `service update` flag conversion: port counts the API would
// misread are refused with the flag and its limit named; an update without a field is recognised.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CliError, EXIT_CODES } from "./cli-error.js";
import { isEmptyUpdate, serviceInputFromFlags, serviceUpdateFromFlags } from "./service-input-flags.js";

function usageFailure(flags: { readonly ports: string }): string {
  try {
    serviceInputFromFlags("web", "node server.js", flags);
  } catch (error) {
    assert.ok(error instanceof CliError);
    assert.equal(error.exitCode, EXIT_CODES.usage);
    return error.message;
  }
  assert.fail("expected a usage error");
}

describe("service create --ports", () => {
  it("refuses 0, which the API would read as the default of one port", () => {
    assert.equal(usageFailure({ ports: "0" }), "--ports: must be 1 to 200 (got 0): a service has at least one port and at most 200");
  });

  it("refuses more than a service may hold, naming the limit rather than free ports", () => {
    assert.equal(usageFailure({ ports: "1000" }), "--ports: must be 1 to 200 (got 1000): a service has at least one port and at most 200");
  });

  it("passes a count within the limit", () => {
    assert.equal(serviceInputFromFlags("web", "node server.js", { ports: "3" }).portCount, 3);
    assert.equal(serviceInputFromFlags("web", "node server.js", {}).portCount, 0);
  });
});

describe("service update flags", () => {
  it("without any field flag is an empty update, which the command refuses as nothing to change", () => {
    assert.ok(isEmptyUpdate(serviceUpdateFromFlags("alice", "web", {})));
  });

  it("with any field flag, --env or --replace-env is not empty", () => {
    assert.ok(!isEmptyUpdate(serviceUpdateFromFlags("alice", "web", { annotation: "" })));
    assert.ok(!isEmptyUpdate(serviceUpdateFromFlags("alice", "web", { env: ["A=1"] })));
    assert.ok(!isEmptyUpdate(serviceUpdateFromFlags("alice", "web", { replaceEnv: true })));
    assert.ok(!isEmptyUpdate(serviceUpdateFromFlags("alice", "web", { stopTimeout: "5" })));
  });
});
