#!/usr/bin/env node
// The `vigil` command: runs the bundle that `npm ci` (or `npm run build`) made from cli/src.
import { existsSync } from "node:fs";

const bundle = new URL("../build/vigil.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("vigil: the command is not built yet: run `npm ci` or `npm run build` in the checkout\n");
  process.exit(2);
}
await import(bundle.href);
