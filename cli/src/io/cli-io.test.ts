// Tests of where the CLI resolves a relative path: the directory the user typed the command in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { userPath } from "./cli-io.js";

const io = (env: NodeJS.ProcessEnv, cwd: string) => ({ stdout: { write: () => true }, stderr: { write: () => true }, env, cwd });

test("a relative path resolves against the current directory, and an absolute one stays", () => {
  assert.equal(userPath("svc.yaml", io({}, "/home/alice/shop")), "/home/alice/shop/svc.yaml");
  assert.equal(userPath("/etc/svc.yaml", io({}, "/home/alice/shop")), "/etc/svc.yaml");
});

test("under `npm run vigil` it resolves against INIT_CWD, where npm was invoked, not the repository", () => {
  assert.equal(userPath("svc.yaml", io({ npm_lifecycle_event: "vigil", INIT_CWD: "/home/alice/shop" }, "/work/vigil")), "/home/alice/shop/svc.yaml");
});

test("a CLI started by another npm script ignores the INIT_CWD it inherited", () => {
  assert.equal(userPath("svc.yaml", io({ npm_lifecycle_event: "test", INIT_CWD: "/work/vigil" }, "/tmp/t")), "/tmp/t/svc.yaml");
});
