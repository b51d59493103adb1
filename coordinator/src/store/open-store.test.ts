// Tests of opening a store and of its migrations, on PGlite and on the real PostgreSQL:
// re-running migrations changes nothing, concurrent runs are safe, transactions roll back.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "@vigil/shared";
import { sql } from "drizzle-orm";
import { type Db, queryRows } from "./db.js";
import { openStore } from "./open-store.js";
import { createAccount, listAccounts } from "./repositories/accounts.js";
import { sampleAccount } from "./testing/fixtures.js";
import { testStoreBackends, withTestStore } from "./testing/test-stores.js";

async function appliedMigrations(db: Db): Promise<number> {
  const [row] = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from drizzle.__drizzle_migrations`);
  return Number(row?.count);
}

async function tableNames(db: Db): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(db, sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`);
  return rows.map((row) => row.name);
}

const expectedTables = ["account_addresses", "account_moves", "accounts", "api_tokens", "events", "firewall_rules", "hosts", "port_allocations", "service_status", "services"];

for (const backend of testStoreBackends) {
  describe(`store on ${backend.name}`, () => {
    test("opening a store creates every table through the migrations", () =>
      withTestStore(backend, async (store) => {
        assert.deepEqual(await tableNames(store.db), expectedTables);
        assert.ok((await appliedMigrations(store.db)) >= 1);
      }));

    test("running the migrations again is a no-op that keeps the data", () =>
      withTestStore(backend, async (store) => {
        await createAccount(store.db, sampleAccount("alice"));
        const before = await appliedMigrations(store.db);
        await store.migrate();
        await store.migrate();
        assert.equal(await appliedMigrations(store.db), before);
        assert.deepEqual((await listAccounts(store.db)).map((a) => a.name), ["alice"]);
      }));

    test("two concurrent migration runs on an empty database apply each migration once", () =>
      withTestStore(
        backend,
        async (store) => {
          await Promise.all([store.migrate(), store.migrate(), store.migrate()]);
          assert.deepEqual(await tableNames(store.db), expectedTables);
          const repeated = await queryRows(store.db, sql`select hash from drizzle.__drizzle_migrations group by hash having count(*) > 1`);
          assert.deepEqual(repeated, []);
        },
        { migrate: false },
      ));

    test("a transaction that throws leaves nothing behind", () =>
      withTestStore(backend, async (store) => {
        await assert.rejects(
          store.transaction(async (tx) => {
            await createAccount(tx, sampleAccount("alice"));
            throw new Error("boom");
          }),
          /boom/,
        );
        assert.deepEqual(await listAccounts(store.db), []);
      }));
  });
}

describe("openStore", () => {
  test("refuses a URL that names no backend, naming the field url", async () => {
    await assert.rejects(openStore({ url: "mysql://localhost/vigil" }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.equal(error.message, "url: must start with postgres://, postgresql:// or pglite:");
      return true;
    });
  });
});
