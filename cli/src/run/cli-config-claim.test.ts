// When `vigil up` may write the user's CLI config: never over `vigil login`'s or another live instance's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mayReplace } from "./cli-config-claim.js";

describe("vigil up and the user's CLI config", () => {
  const live = (dir: string) => dir === "/live";
  const cases = [
    { name: "no config yet", existing: {}, written: true },
    { name: "its own instance's config", existing: { address: "a:1", token: "t", upStateDir: "/mine" }, written: true },
    { name: "a config of an instance that is gone", existing: { address: "a:1", token: "t", upStateDir: "/dead" }, written: true },
    { name: "a config of another live instance", existing: { address: "a:1", token: "t", upStateDir: "/live" }, written: false },
    { name: "a config written by vigil login", existing: { address: "prod:7465", token: "t" }, written: false },
  ];
  for (const { name, existing, written } of cases) {
    it(`${name}: ${written ? "replaced" : "kept"}`, () => {
      const claim = mayReplace(existing, "/mine", live);
      assert.equal(claim.written, written);
      if (!claim.written) assert.match(claim.reason, /points at/);
    });
  }
});
