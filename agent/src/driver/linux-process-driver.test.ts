// The real driver runs a command as the account's user, in its directory, with exactly its
// environment, and refuses launches that cannot work with a message a user understands.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { createDriverKit, type DriverKit, readOutput } from "./driver-test-kit.js";
import { type LaunchRequest, StartFailure } from "./process-driver.js";

let user: TestUser;
let kit: DriverKit;
let appDir: string;

before(() => {
  user = createTestUser();
  kit = createDriverKit();
  appDir = join(user.home, "app");
  mkdirSync(appDir);
  chownSync(appDir, user.uid, user.gid);
});

after(async () => {
  await kit.cleanup();
  user.remove();
});

function request(overrides: Partial<LaunchRequest>): LaunchRequest {
  return {
    unit: `${user.name}/web`,
    command: "true",
    cwd: appDir,
    env: { PATH: "/usr/bin:/bin", HOME: user.home },
    user: { uid: user.uid, gid: user.gid, name: user.name },
    ...overrides,
  };
}

async function runToEnd(launchRequest: LaunchRequest): Promise<{ output: string; code: number | null }> {
  const launched = await kit.driver.launch(launchRequest);
  const [output, exit] = await Promise.all([readOutput(launched.output), launched.exited]);
  assert.equal(await kit.driver.waitEmpty(launched.tracking, 15_000), true);
  await kit.driver.release(launched.tracking);
  return { output, code: exit.code };
}

void test("the service runs as the account user with no supplementary groups, in its directory", async () => {
  const { output } = await runToEnd(
    request({ command: 'echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"; echo "home=$HOME"; echo "pwd=$(pwd)"; grep -E "^(Uid|Gid|Groups):" /proc/self/status' }),
  );
  const lines = output.split("\n");
  assert.equal(lines[0], `uid=${user.uid} gid=${user.gid} groups=${user.gid}`);
  assert.equal(lines[1], `home=${user.home}`);
  assert.equal(lines[2], `pwd=${appDir}`);
  // Real, effective, saved and filesystem ids all dropped: the process cannot regain root.
  assert.match(lines[3] ?? "", new RegExp(`^Uid:\\t${user.uid}\\t${user.uid}\\t${user.uid}\\t${user.uid}$`));
  assert.match(lines[4] ?? "", new RegExp(`^Gid:\\t${user.gid}\\t${user.gid}\\t${user.gid}\\t${user.gid}$`));
  assert.match(lines[5] ?? "", /^Groups:\s*$/);
});

void test("the service sees exactly the environment it was given, none of the agent's", async (t) => {
  process.env.VIGIL_AGENT_SENTINEL = "must-not-leak";
  t.after(() => delete process.env.VIGIL_AGENT_SENTINEL);
  // OLDPWD is set by the wrapper's own cd: the service's value stays. Values travel as shell text.
  const env = {
    PATH: "/usr/bin:/bin",
    HOME: user.home,
    USER: user.name,
    LOGNAME: user.name,
    PWD: appDir,
    PORT: "8301",
    GREETING: "hello  world; $not-expanded",
    QUOTED: "it's \\'quoted\\' `not run` $(not run) é ✓\nsecond line\n",
    OLDPWD: "/srv/previous",
    vigil_go: "kept",
  };
  const { output } = await runToEnd(request({ command: "env -0", env }));
  const seen = Object.fromEntries(
    output
      .split("\0")
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
  assert.deepEqual(seen, env);
});

void test("the command's first process is already in the unit's cgroup when it runs", async () => {
  const launched = await kit.driver.launch(request({ unit: `${user.name}/in-cgroup`, command: "grep ^0:: /proc/$$/cgroup" }));
  const [output] = await Promise.all([readOutput(launched.output), launched.exited]);
  assert.equal(launched.tracking.kind, "cgroup", "this host has cgroup v2");
  if (launched.tracking.kind === "cgroup") assert.ok(launched.tracking.path.endsWith(output.trim().replace(/^0::/, "")), `${output} is not ${launched.tracking.path}`);
  assert.equal(await kit.driver.waitEmpty(launched.tracking, 15_000), true);
  await kit.driver.release(launched.tracking);
});

void test("stdout and stderr arrive through one real pipe, in the order written, /dev/stdout included", async () => {
  const command = 'echo one; echo two >&2; echo three > /dev/stdout; echo four > /dev/stderr; [ -p /dev/stdout ] && [ -p /dev/stderr ] && echo "a pipe"';
  const { output } = await runToEnd(request({ command }));
  assert.equal(output, "one\ntwo\nthree\nfour\na pipe\n");
});

void test("a command that does not exist exits 127 and says 'not found' in the output", async () => {
  const { output, code } = await runToEnd(request({ command: "vigil-no-such-command --flag" }));
  assert.equal(code, 127);
  assert.match(output, /vigil-no-such-command: not found/);
});

void test("a user that does not exist is a missing-user start failure naming the user and uid", async () => {
  const ghost = { uid: 3999999999, gid: 3999999999, name: "ghost" };
  await assert.rejects(kit.driver.launch(request({ user: ghost })), (error: unknown) => {
    assert.ok(error instanceof StartFailure);
    assert.equal(error.reason, "missing-user");
    assert.equal(error.message, "user ghost (uid 3999999999) does not exist on this host");
    return true;
  });
});

/** What the user's own cd reports, for every kind of failure alike. */
function unreachable(path: string): string {
  return `working directory ${path} does not exist or is not reachable by user ${user.name} (uid ${user.uid})`;
}

async function assertUnreachable(cwd: string): Promise<void> {
  await assert.rejects(kit.driver.launch(request({ cwd })), (error: unknown) => {
    assert.ok(error instanceof StartFailure);
    assert.equal(error.reason, "missing-directory");
    assert.equal(error.message, unreachable(cwd));
    return true;
  });
}

void test("a working directory that does not exist is a missing-directory start failure naming it and the user", async () => {
  await assertUnreachable(join(user.home, "no-such-app"));
});

void test("a directory the user may not enter gets the same message, never 'missing' alone", async () => {
  const closed = join(user.home, "closed");
  mkdirSync(closed);
  chmodSync(closed, 0o700); // owned by root: the user cannot cd into it
  await assertUnreachable(closed);
});

void test("a working directory symlinked into a root-only directory reveals nothing about the target", async (t) => {
  // Like /root/secret: a directory that exists, behind one only root may pass through.
  const rootOnly = mkdtempSync(join(tmpdir(), "vigil-root-only-"));
  t.after(() => rmSync(rootOnly, { recursive: true, force: true }));
  mkdirSync(join(rootOnly, "secret"));
  const existing = join(user.home, "to-existing");
  const missing = join(user.home, "to-missing");
  symlinkSync(join(rootOnly, "secret"), existing);
  symlinkSync(join(rootOnly, "nothing-here"), missing);
  await assertUnreachable(existing);
  await assertUnreachable(missing);
});

void test("a working directory that is a file gets the same message", async () => {
  const file = join(user.home, "a-file");
  writeFileSync(file, "");
  await assertUnreachable(file);
});

void test("a unit whose earlier launch still has processes is not launched a second time", async () => {
  const first = await kit.driver.launch(request({ unit: `${user.name}/twice`, command: "sleep 1000" }));
  await assert.rejects(kit.driver.launch(request({ unit: `${user.name}/twice`, command: "sleep 1000" })), (error: unknown) => {
    assert.ok(error instanceof StartFailure);
    assert.equal(error.reason, "spawn-failed");
    const expected = `^unit ${user.name}/twice still has processes from an earlier launch \\(pids ${first.pid}(, \\d+)*\\); end them before starting it again$`;
    assert.match(error.message, new RegExp(expected));
    return true;
  });
  await kit.driver.killAll(first.tracking);
  assert.equal(await kit.driver.waitEmpty(first.tracking, 15_000), true);
  await kit.driver.release(first.tracking);
});
