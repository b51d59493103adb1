// Makes the embedded database's template: a PGlite data directory already initialised and migrated
// (cli/build/pglite-template), so the first `vigil up` copies it instead of running initdb, which
// takes seconds and inflates the process to ~800 MB. Run by `npm ci` (prepare) and `npm run build`.
import { existsSync, renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openStore } from "@vigil/coordinator";

const target = fileURLToPath(new URL("../build/pglite-template", import.meta.url));
const building = `${target}.${process.pid}.tmp`;
rmSync(building, { recursive: true, force: true });
const store = await openStore({ url: `pglite:${building}` });
await store.close();
if (existsSync(target)) rmSync(target, { recursive: true, force: true });
renameSync(building, target);
