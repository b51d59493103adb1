// Where the operator CLI connects, with which token, and for which account when none is named.
// Flags win over VIGIL_* variables, which win over the config file written by `vigil up`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pickConnection } from "./connection.js";

const file = { address: "127.0.0.1:7465", token: "vigil_file", account: "alice" };

test("the config file supplies address, token and default account when nothing else does", () => {
  assert.deepEqual(pickConnection({}, {}, file), { address: "127.0.0.1:7465", token: "vigil_file", account: "alice", caFile: "" });
});

test("environment variables override the config file", () => {
  const env = { VIGIL_ADDRESS: "10.0.0.1:1", VIGIL_TOKEN: "vigil_env", VIGIL_ACCOUNT: "bob" };
  assert.deepEqual(pickConnection({}, env, file), { address: "10.0.0.1:1", token: "vigil_env", account: "bob", caFile: "" });
});

test("flags override environment variables and the config file", () => {
  const env = { VIGIL_ADDRESS: "10.0.0.1:1", VIGIL_TOKEN: "vigil_env", VIGIL_ACCOUNT: "bob" };
  const flags = { address: "127.0.0.1:1", token: "vigil_flag", account: "carol" };
  assert.deepEqual(pickConnection(flags, env, file), { address: "127.0.0.1:1", token: "vigil_flag", account: "carol", caFile: "" });
});

test("no default account leaves the account empty so an account token uses its own", () => {
  assert.equal(pickConnection({}, {}, { address: "a:1", token: "t" }).account, "");
});

test("a missing address or token is a usage error that says how to set it", () => {
  assert.throws(() => pickConnection({}, {}, { token: "t" }), /address: not set \(use --address, VIGIL_ADDRESS, or `vigil login`\)/);
  assert.throws(() => pickConnection({}, {}, { address: "a:1" }), /token: not set/);
});
