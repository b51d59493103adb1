// Runs every *.test.ts of the workspace with node's test runner, passing the files explicitly
// (on Node 20 a glob or a folder silently runs zero tests). Extra arguments filter by path.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const roots = ["shared", "coordinator", "agent", "cli", "test", "bench"];
const skipDirs = new Set(["node_modules", "dist", ".git"]);

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipDirs.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.name.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap(findTests)
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
// Tests that start `vigil` as installed (cli/bin/vigil.mjs) must run the code under test: rebuild it.
const build = spawnSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
const concurrency = process.env.VIGIL_TEST_CONCURRENCY ?? "3";
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-timeout=600000", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
