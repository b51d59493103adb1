// The embedded database's directory: on first start a copy of the template that `npm ci` built
// (initialised and migrated), so no initdb runs; its files are made private to Vigil's user.
import { chmodSync, cpSync, existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Where the build put the template; null when it is not there (then PGlite runs initdb itself). */
export function pgliteTemplateDir(): string | null {
  const cliDir = dirname(createRequire(import.meta.url).resolve("@vigil/cli/package.json"));
  const template = join(cliDir, "build", "pglite-template");
  return existsSync(join(template, "PG_VERSION")) ? template : null;
}

/** Copies the template into `dbDir` unless it already holds a database; true when it did. */
export function seedDatabaseDir(dbDir: string, template: string | null): boolean {
  if (template === null || existsSync(join(dbDir, "PG_VERSION"))) return false;
  const partial = `${dbDir}.seeding`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(template, partial, { recursive: true });
  rmSync(dbDir, { recursive: true, force: true });
  renameSync(partial, dbDir);
  return true;
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
