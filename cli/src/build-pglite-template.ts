// Makes the embedded database's template: a PGlite data directory already initialised and migrated
// (cli/build/pglite-template), so the first `vigil up` copies it instead of running initdb, which
// takes seconds and inflates the process to ~800 MB. Run by `npm ci` (prepare) and `npm run build`.
import { chmodSync, existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "@vigil/coordinator";

const target = fileURLToPath(new URL("../build/pglite-template", import.meta.url));
const building = `${target}.${process.pid}.tmp`;
rmSync(building, { recursive: true, force: true });
const store = await openStore({ url: `pglite:${building}` });
await store.close();
// A fresh database holds no secret: readable by every user who runs `vigil up` from this install
// (each copy is made private to its user when it is seeded).
function shareable(path: string): void {
  if (statSync(path).isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) shareable(join(path, entry));
  } else chmodSync(path, 0o644);
}
shareable(building);
if (existsSync(target)) rmSync(target, { recursive: true, force: true });
renameSync(building, target);
