// Tests of the account repository on PGlite and on the real PostgreSQL.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AlreadyExistsError, NotFoundError } from "../errors.js";
import { sampleAccount, sampleSpec } from "../testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../testing/test-stores.js";
import { createAccount, findAccount, getAccount, listAccounts, updateAccountDefaults } from "./accounts.js";
import { getHost, registerHost } from "./hosts.js";
import { createService } from "./services.js";

for (const backend of testStoreBackends) {
  describe(`store on ${backend.name}`, () => {
    test("an account is stored with its Unix identity and defaults and listed by name", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("bob", { cloud: "private", uid: 1001, gid: 1002, environment: { TZ: "UTC" }, languageVersions: { NODEJS_VERSION: "20" } }));
        await createAccount(db, sampleAccount("alice"));
        const bob = await getAccount(db, "bob");
        assert.deepEqual(
          { cloud: bob.cloud, unixUser: bob.unixUser, uid: bob.uid, gid: bob.gid, home: bob.home, environment: bob.environment, languageVersions: bob.languageVersions },
          { cloud: "private", unixUser: "bob", uid: 1001, gid: 1002, home: "/home/bob", environment: { TZ: "UTC" }, languageVersions: { NODEJS_VERSION: "20" } },
        );
        assert.ok(bob.createdAt instanceof Date);
        assert.deepEqual((await listAccounts(db)).map((a) => a.name), ["alice", "bob"]);
      }));

    test("a second account with the same name is refused, naming the field name", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await assert.rejects(createAccount(db, sampleAccount("alice", { uid: 2 })), (error: unknown) => error instanceof AlreadyExistsError && error.message === "name: account alice already exists");
        assert.equal((await getAccount(db, "alice")).uid, 10_000);
      }));

    test("an unknown account is not found, naming the field account", () =>
      withTestStore(backend, async ({ db }) => {
        assert.equal(await findAccount(db, "nobody"), null);
        await assert.rejects(getAccount(db, "nobody"), (error: unknown) => error instanceof NotFoundError && error.message === "account: account nobody does not exist");
        await assert.rejects(updateAccountDefaults(db, "nobody", { environment: {} }), NotFoundError);
      }));

    test("changing an account's defaults gives the hosts running its services a new revision", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice", { environment: { A: "1" } }));
        await registerHost(db, { name: "h1", pool: "public" });
        await registerHost(db, { name: "h2", pool: "public" });
        await createService(db, { account: "alice", spec: sampleSpec("web"), host: "h1" });
        const [h1, h2] = [await getHost(db, "h1"), await getHost(db, "h2")];
        const { account: updated, hosts } = await updateAccountDefaults(db, "alice", { languageVersions: { PYTHON_VERSION: "3.12" } });
        assert.deepEqual([updated.environment, updated.languageVersions], [{ A: "1" }, { PYTHON_VERSION: "3.12" }]);
        assert.deepEqual(hosts, ["h1"]);
        assert.ok((await getHost(db, "h1")).revision > h1.revision);
        assert.equal((await getHost(db, "h2")).revision, h2.revision);
      }));
  });
}
