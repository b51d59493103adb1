// `vigil nats-config` writes an authorization nats-server accepts, with one 0600 credentials file per
// user; run again with another host it keeps the existing passwords.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { connect } from "@nats-io/transport-node";
import { startPrivateNatsServer } from "@vigil/agent";
import { hostInboxPrefix } from "@vigil/shared";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const vigil = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { encoding: "utf8", timeout: 60_000 });

test("vigil nats-config writes users nats-server accepts, keeps their passwords on a rerun, and a host may not publish as another", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-nats-config-"));
  try {
    const out = join(dir, "nats");
    assert.equal(vigil(["nats-config", "--out-dir", out, "--host", "web-1", "--bus-prefix", "natscfg"]).status, 0);
    const first = readFileSync(join(out, "web-1.credentials"), "utf8");
    const again = vigil(["nats-config", "--out-dir", out, "--host", "web-1", "--host", "web-2", "--bus-prefix", "natscfg", "--json"]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(join(out, "web-1.credentials"), "utf8"), first);
    for (const file of ["authorization.conf", "coordinator.credentials", "web-1.credentials", "web-2.credentials"]) assert.equal(statSync(join(out, file)).mode & 0o777, 0o600, file);
    const configFile = join(dir, "nats-server.conf");
    // nats-server resolves an include relative to the including file.
    writeFileSync(configFile, `include "nats/authorization.conf"\n`);
    const server = await startPrivateNatsServer({ configFile });
    try {
      const [user, pass] = first.trim().split(":") as [string, string];
      const connection = await connect({ servers: server.url, user, pass, inboxPrefix: hostInboxPrefix("web-1") });
      const violations: string[] = [];
      void (async () => {
        for await (const event of connection.status()) if (event.type === "error") violations.push(String(event.error));
      })();
      connection.publish("natscfg.events.web-2.service", "forged");
      await connection.flush();
      await connection.close();
      assert.ok(violations.some((violation) => /[Pp]ermissions [Vv]iolation/.test(violation)), violations.join("\n"));
      await assert.rejects(connect({ servers: server.url, user, pass: "wrong" }), /[Aa]uthorization/);
    } finally {
      await server.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
