// A server command with a bad setting prints one line naming the field and exits with code 2,
// whether the setting came from a flag or the environment.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

function vigil(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
}

test("vigil up refuses a listen address that is not host:port with exit code 2", () => {
  const result = vigil(["up", "--listen", "7465", "--state-dir", "/nonexistent/vigil"]);
  assert.equal(result.status, 2);
  assert.equal(result.stderr.trim(), "vigil up: listen: must be host:port (port 0-65535)");
});

test("vigil coordinator names every missing or broken setting, flags winning over the environment", () => {
  const result = vigil(["coordinator", "--nats-url", "http://nats"], { VIGIL_NATS_URL: "nats://127.0.0.1:4222", VIGIL_BUS_PREFIX: "Bad Prefix" });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^vigil coordinator: database_url: is required; nats_url: must start with nats:\/\/ or tls:\/\/; bus_prefix: must match/);
});

test("vigil coordinator refuses a database password on its command line, naming the safe places for it", () => {
  const result = vigil(["coordinator", "--database-url", "postgres://vigil:s3cret@127.0.0.1:1/vigil", "--nats-url", "nats://127.0.0.1:4222"]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^vigil coordinator: --database-url: a password on the command line is readable by every user of this host .*VIGIL_DATABASE_URL/);
  assert.doesNotMatch(result.stderr, /s3cret/);
});
