// `vigil apply` against a running Admin server: the creates of a file go out in one CreateServices
// call (one transaction, one desired-state push for the host), whatever their number.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type AdminTestServer, startAdminTestServer, TEST_HOST } from "@vigil/coordinator";
import { runCli } from "../operator/testing/run-cli.js";

describe("vigil apply with many new services", () => {
  let server: AdminTestServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startAdminTestServer();
    dir = await mkdtemp(join(tmpdir(), "vigil-apply-batch-"));
    env = { ...process.env, VIGIL_ADDRESS: server.address, VIGIL_TOKEN: server.tokens.alpha, VIGIL_CLIENT_CONFIG: join(dir, "config.json") };
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("40 new services are created with one push to their host, and an update in the same file is applied too", async () => {
    const file = join(dir, "services.yaml");
    const names = Array.from({ length: 40 }, (_, i) => `web-${String(i).padStart(2, "0")}`);
    await writeFile(file, `services:\n${names.map((name) => `  ${name}:\n    command: exec sleep 1000\n`).join("")}`);
    server.agents.pushes.length = 0;
    const first = await runCli(["apply", "-f", file], env);
    assert.deepEqual([first.code, first.stderr], [0, ""]);
    assert.equal(first.stdout, names.map((name) => `create ${name}\n`).join(""));
    assert.deepEqual(server.agents.pushes.flat(), [TEST_HOST]);

    await writeFile(file, `services:\n${names.map((name) => `  ${name}:\n    command: exec sleep ${name === "web-00" ? 2000 : 1000}\n`).join("")}  api:\n    command: exec sleep 1000\n`);
    const second = await runCli(["apply", "-f", file], env);
    assert.deepEqual([second.code, second.stdout], [0, "create api\nupdate web-00 (command)\n"]);
    const listed = JSON.parse((await runCli(["service", "ls", "--json"], env)).stdout) as { name: string; command: string }[];
    assert.equal(listed.length, 41);
    assert.equal(listed.find((service) => service.name === "web-00")?.command, "exec sleep 2000");
  });
});
