// The installed `vigil` command (package bin -> the bundle built by `npm ci`): it runs compiled
// JavaScript from any directory, and resolves a relative path against the caller's directory.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { VIGIL_VERSION } from "../version.js";

const ROOT = new URL("../../../", import.meta.url).pathname;
const BIN = join(ROOT, "node_modules", ".bin", "vigil");

describe("the vigil command", () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bin-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is linked into node_modules/.bin and prints its version from another directory", () => {
    const out = execFileSync(BIN, ["--version"], { cwd: dir, encoding: "utf8" });
    assert.equal(out.trim(), VIGIL_VERSION);
  });

  it("runs the bundle, not TypeScript: its help lists every command", () => {
    const help = execFileSync(BIN, ["--help"], { cwd: dir, encoding: "utf8" });
    for (const command of ["up", "coordinator", "agent", "service", "apply", "import", "login"]) assert.match(help, new RegExp(`^  ${command}\\b`, "m"));
  });

  it("reads a relative file from the caller's directory (apply --dry-run with no coordinator says why it cannot plan)", () => {
    writeFileSync(join(dir, "svc.yaml"), "services:\n  - name: web\n    command: sleep 100\n");
    const result = spawnSync(BIN, ["apply", "-f", "svc.yaml", "--dry-run", "--address", "127.0.0.1:1", "--account", "alice"], { cwd: dir, encoding: "utf8", env: { ...process.env, VIGIL_TOKEN: "x", VIGIL_CLIENT_CONFIG: join(dir, "none.json") } });
    assert.doesNotMatch(result.stderr, /ENOENT|no such file/i, result.stderr);
    assert.notEqual(result.status, 0);
  });
});
