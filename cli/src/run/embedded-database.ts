// The embedded database's directory: on first start a copy of the template that `npm ci` built
// (initialised and migrated), so no initdb runs; its files are made private to Vigil's user.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where the build put the template; null when it is not there (then PGlite runs initdb itself). */
export function pgliteTemplateDir(): string | null {
  const cliDir = dirname(createRequire(import.meta.url).resolve("@vigil/cli/package.json"));
  const template = join(cliDir, "build", "pglite-template");
  return existsSync(join(template, "PG_VERSION")) ? template : null;
}

export type DatabaseDirState = "seeded" | "reopened" | "empty";

/**
 * Copies the template into `dbDir` unless it already holds a database, its copy private (0700
 * directories, 0600 files). `cp` and `chmod` do it in their own processes: walking the template's
 * ~1,000 files from JavaScript took ~0.5 s of `vigil up`'s start on this thread, which now loads
 * the coordinator meanwhile. "empty": no template, PGlite will run initdb.
 */
export async function seedDatabaseDir(dbDir: string, template: string | null): Promise<DatabaseDirState> {
  if (existsSync(join(dbDir, "PG_VERSION"))) {
    // PostgreSQL creates its files 0600; the seed made the rest private.
    chmodSync(dbDir, 0o700);
    return "reopened";
  }
  if (template === null) return "empty";
  const partial = `${dbDir}.seeding`;
  rmSync(partial, { recursive: true, force: true });
  await run("cp", ["-R", template, partial]);
  await run("chmod", ["-R", "u=rwX,go=", partial]);
  rmSync(dbDir, { recursive: true, force: true });
  renameSync(partial, dbDir);
  return "seeded";
}

/** 0700 directories and 0600 files: the database holds every account's environment. */
export function makePrivate(path: string): void {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    chmodSync(path, 0o700);
    for (const entry of readdirSync(path)) makePrivate(join(path, entry));
  } else if (stat.isFile()) {
    chmodSync(path, 0o600);
  }
}
