// Test helper: a fresh PostgreSQL database per test on the server named by VIGIL_TEST_PG_URL,
// dropped (with its connections) afterwards, so tests run in parallel without sharing state.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const DEFAULT_TEST_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  /** Connection URL of the new database. */
  readonly url: string;
  readonly name: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

export function testPostgresAdminUrl(): string {
  return process.env.VIGIL_TEST_PG_URL ?? DEFAULT_TEST_PG_URL;
}

export async function createTestDatabase(adminUrl: string = testPostgresAdminUrl()): Promise<TestDatabase> {
  const name = `vigil_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (admin) => admin.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => withAdmin(adminUrl, (admin) => admin.query(`drop database if exists "${name}" with (force)`)) };
}

async function withAdmin(adminUrl: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await run(admin);
  } finally {
    await admin.end();
  }
}
