// Tests of the coordinator's bootstrap operator token: written once (mode 0600) and usable,
// an existing file is kept, a missing directory is made (0700), and a path that cannot be created is
// a setting error naming the field.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { listTokens, type Store, testStoreBackends, verifyToken } from "@vigil/coordinator";
import { writeBootstrapToken } from "./bootstrap-token.js";

let store: Store;
let dir: string;

before(async () => {
  store = await testStoreBackends[0]!.open();
  dir = mkdtempSync(join(tmpdir(), "vigil-bootstrap-"));
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a missing bootstrap file receives a working operator token readable only by its owner", async () => {
  const path = join(dir, "operator.token");
  assert.equal(await writeBootstrapToken(store, path), "written");
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const identity = await verifyToken(store.db, readFileSync(path, "utf8").trim());
  assert.equal(identity?.scope, "operator");
});

test("an existing bootstrap file is kept and no further token is issued", async () => {
  const path = join(dir, "kept.token");
  writeFileSync(path, "vigil_rotated-by-the-operator\n");
  const before = (await listTokens(store.db)).length;
  assert.equal(await writeBootstrapToken(store, path), "kept");
  assert.equal(readFileSync(path, "utf8"), "vigil_rotated-by-the-operator\n");
  assert.equal((await listTokens(store.db)).length, before);
});

test("a bootstrap file in a directory that does not exist yet is written, the directory made private", async () => {
  const path = join(dir, "state", "coordinator", "operator.token");
  assert.equal(await writeBootstrapToken(store, path), "written");
  assert.equal(statSync(join(dir, "state", "coordinator")).mode & 0o777, 0o700);
});

test("a bootstrap file that cannot be created names the setting", async () => {
  writeFileSync(join(dir, "a-file"), "");
  await assert.rejects(writeBootstrapToken(store, join(dir, "a-file", "operator.token")), /^ConfigError: bootstrap_token_file: cannot create the directory of .*(EEXIST|ENOTDIR)/);
});
