// The launch's argv and user script: no value of the service's environment on a command line, and
// the script (run here by the real /bin/sh) recreates exactly that environment, whatever its bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { buildLaunchArgv, buildUserScript, unscriptableReason } from "./launch-command.js";
import type { LaunchRequest } from "./process-driver.js";

const SECRET = "s3cr3t-token-value";
const USER = { uid: 1500, gid: 1500, name: "alice" };
const PRIVILEGES = { setprivPath: "/usr/bin/setpriv", allowSetuid: false };

function request(overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  return { unit: "alice/web", command: "/usr/bin/env -0", cwd: tmpdir(), env: { API_TOKEN: SECRET }, user: USER, ...overrides };
}

/** Runs the user script the way the launch does: /bin/sh -s, an empty environment, fd 3 as the status channel. */
function runUserScript(launchRequest: LaunchRequest): { status: string; env: Record<string, string> | null } {
  const result = spawnSync("/bin/sh", ["-s"], { input: buildUserScript(launchRequest), env: {}, stdio: ["pipe", "pipe", "pipe", "pipe"], encoding: "utf8" });
  const output = result.output as (string | null)[];
  const status = (output[3] ?? "").trim();
  if (status !== "ready") return { status, env: null };
  const entries = (output[1] ?? "").split("\0").filter(Boolean);
  return { status, env: Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)])) };
}

void test("no value of the service's environment is on the launch's command line", () => {
  for (const user of [USER, null]) {
    const argv = buildLaunchArgv(request({ user }), "/sys/fs/cgroup/vigil/agent/alice-web", PRIVILEGES);
    assert.ok(!argv.some((arg) => arg.includes(SECRET)), argv.join(" "));
    assert.deepEqual(argv.slice(-2), ["/bin/sh", "-s"]);
  }
});

void test("services get no_new_privs unless setuid programs are allowed", () => {
  const strict = buildLaunchArgv(request(), null, PRIVILEGES);
  assert.ok(strict.includes("--no-new-privs"));
  assert.deepEqual(strict.slice(strict.indexOf("/usr/bin/setpriv")), ["/usr/bin/setpriv", "--reuid=1500", "--regid=1500", "--clear-groups", "--no-new-privs", "--", "/bin/sh", "-s"]);
  assert.ok(!buildLaunchArgv(request(), null, { ...PRIVILEGES, allowSetuid: true }).includes("--no-new-privs"));
  // Nothing to change at all: no setpriv process.
  assert.ok(!buildLaunchArgv(request({ user: null }), null, { ...PRIVILEGES, allowSetuid: true }).includes("/usr/bin/setpriv"));
});

void test("a launch in an account namespace joins it by nsenter as root, after the cgroup and before setpriv", () => {
  const argv = buildLaunchArgv({ ...request(), netns: "vigil-a1-0123456789ab-alice" }, "/sys/fs/cgroup/vigil/agent/alice-web", PRIVILEGES);
  const joined = argv.indexOf("nsenter");
  assert.deepEqual(argv.slice(joined, joined + 3), ["nsenter", "--net=/run/netns/vigil-a1-0123456789ab-alice", "--"]);
  assert.ok(joined > argv.indexOf("/sys/fs/cgroup/vigil/agent/alice-web") && joined < argv.indexOf("/usr/bin/setpriv"));
  assert.ok(!buildLaunchArgv(request(), null, PRIVILEGES).includes("nsenter"), "no namespace: the agent's network");
});

void test("the user script recreates exactly the service's environment, whatever bytes its values hold", () => {
  const env = {
    API_TOKEN: SECRET,
    QUOTES: `it's "double" and 'single' \\ and \\'`,
    EXPANSIONS: "$HOME ${PATH} $(id) `id` $((1+1)) * ?",
    LINES: "first\nsecond\n\n",
    UNICODE: "é ✓ 日本 \u0081\u0082\u0088 (UTF-8 bytes dash uses as markers)",
    EMPTY: "",
    TRAILING_BACKSLASH: "ends with \\",
    OLDPWD: "/srv/previous",
  };
  const cwd = tmpdir();
  assert.deepEqual(runUserScript(request({ env, cwd })), { status: "ready", env: { ...env, PWD: cwd } });
});

void test("without OLDPWD in the service's environment the command gets none, though cd set one", () => {
  const cwd = tmpdir();
  assert.deepEqual(runUserScript(request({ env: {}, cwd })), { status: "ready", env: { PWD: cwd } });
});

void test("a directory the shell cannot enter reports cwd on fd 3 and runs nothing", () => {
  assert.deepEqual(runUserScript(request({ cwd: "/nonexistent/vigil-dir", command: "echo ran" })), { status: "cwd", env: null });
});

void test("environment names the shell could not take and NUL bytes are refused before anything runs", () => {
  assert.equal(unscriptableReason(request()), null);
  assert.equal(unscriptableReason(request({ env: { "A;B": "x" } })), 'environment variable name "A;B" must match ^[A-Za-z_][A-Za-z0-9_]*$');
  assert.equal(unscriptableReason(request({ env: { A: "x\0y" } })), "environment variable A contains a NUL character");
  assert.equal(unscriptableReason(request({ command: "a\0b" })), "the directory or command contains a NUL character");
});
