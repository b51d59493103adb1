// Tests of the account `vigil apply` changes: an explicit file account beats the default account,
// and only an explicit --account that disagrees with it is refused, naming both.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseApplyAccount } from "./apply-account.js";

describe("the account vigil apply changes", () => {
  it("is the file's account when no --account is given, even with a different default account", () => {
    assert.deepEqual(chooseApplyAccount({ file: "alice", flag: undefined, fallback: "root" }), { account: "alice" });
  });

  it("is --account when the file names none or the same one", () => {
    assert.deepEqual(chooseApplyAccount({ file: "", flag: "bob", fallback: "root" }), { account: "bob" });
    assert.deepEqual(chooseApplyAccount({ file: "bob", flag: "bob", fallback: "root" }), { account: "bob" });
  });

  it("is the default account when neither the flag nor the file names one, and empty without a default", () => {
    assert.deepEqual(chooseApplyAccount({ file: "", flag: undefined, fallback: "root" }), { account: "root" });
    assert.deepEqual(chooseApplyAccount({ file: "", flag: undefined, fallback: "" }), { account: "" });
  });

  it("refuses an --account that disagrees with the file, naming both", () => {
    assert.deepEqual(chooseApplyAccount({ file: "alice", flag: "bob", fallback: "" }), { conflict: "account: the file is for alice but --account says bob" });
  });
});
