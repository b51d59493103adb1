// Tests of the API token repository on PGlite and on the real PostgreSQL: tokens are stored
// hashed, verify to their scope and subject, and stop verifying once revoked.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "@vigil/shared";
import { sql } from "drizzle-orm";
import { queryRows } from "../db.js";
import { NotFoundError } from "../errors.js";
import { sampleAccount } from "../testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../testing/test-stores.js";
import { createAccount } from "./accounts.js";
import { createToken, hashToken, listTokens, revokeToken, verifyToken } from "./tokens.js";

for (const backend of testStoreBackends) {
  describe(`store on ${backend.name}`, () => {
    test("an issued token verifies to its scope and subject, and only its hash is stored", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        const operator = await createToken(db, { scope: "operator", description: "bootstrap" });
        const account = await createToken(db, { scope: "account", subject: "alice" });
        const host = await createToken(db, { scope: "host", subject: "svc1" });
        assert.deepEqual(await verifyToken(db, operator.token), { id: operator.record.id, scope: "operator", subject: "" });
        assert.deepEqual(await verifyToken(db, account.token), { id: account.record.id, scope: "account", subject: "alice" });
        assert.deepEqual(await verifyToken(db, host.token), { id: host.record.id, scope: "host", subject: "svc1" });
        const stored = await queryRows<{ hash: string }>(db, sql`select hash from api_tokens order by hash`);
        assert.deepEqual(stored.map((row) => row.hash), [operator.token, account.token, host.token].map(hashToken).sort());
        assert.ok(!JSON.stringify(await listTokens(db)).includes(account.token));
      }));

    test("unknown, malformed and revoked tokens do not verify", () =>
      withTestStore(backend, async ({ db }) => {
        const issued = await createToken(db, { scope: "operator" });
        assert.equal(await verifyToken(db, ""), null);
        assert.equal(await verifyToken(db, "garbage"), null);
        assert.equal(await verifyToken(db, `${issued.token}x`), null);
        const revoked = await revokeToken(db, issued.record.id, new Date("2026-02-01T00:00:00Z"));
        assert.deepEqual(revoked.revokedAt, new Date("2026-02-01T00:00:00Z"));
        assert.equal(await verifyToken(db, issued.token), null);
        assert.deepEqual((await revokeToken(db, issued.record.id)).revokedAt, new Date("2026-02-01T00:00:00Z"), "revoking again keeps the first time");
        await assert.rejects(revokeToken(db, "tok_nope"), (error: unknown) => error instanceof NotFoundError && error.message === "id: token tok_nope does not exist");
      }));

    test("tokens are listed with their scope and subject, filtered on request", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await createToken(db, { scope: "operator" });
        const alice = await createToken(db, { scope: "account", subject: "alice", description: "ci" });
        assert.equal((await listTokens(db)).length, 2);
        assert.deepEqual(await listTokens(db, { subject: "alice" }), [alice.record]);
        assert.deepEqual((await listTokens(db, { scope: "operator" })).map((t) => t.subject), [""]);
      }));

    test("a token's subject must fit its scope, naming the field subject", () =>
      withTestStore(backend, async ({ db }) => {
        const rejects = (promise: Promise<unknown>, message: string) => assert.rejects(promise, (error: unknown) => (error instanceof InvalidInputError || error instanceof NotFoundError) && error.message === message);
        await rejects(createToken(db, { scope: "operator", subject: "alice" }), "subject: must be empty for operator tokens");
        await rejects(createToken(db, { scope: "account" }), "subject: must name the account the token acts for");
        await rejects(createToken(db, { scope: "host", subject: "" }), "subject: must name the host the token acts for");
        await rejects(createToken(db, { scope: "account", subject: "nobody" }), "account: account nobody does not exist");
        assert.deepEqual(await listTokens(db), []);
      }));
  });
}
