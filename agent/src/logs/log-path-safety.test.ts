// The agent (root) opens a service log in a directory the user controls: it creates what is missing
// for the user and refuses symlinks, foreign owners, hard links and FIFOs, writing nothing anywhere.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { FileServiceLogFactory } from "./file-service-log-factory.js";
import { freshAccount, servicesDir } from "./log-test-kit.js";
import { LogPathRefused } from "./service-log.js";

let user: TestUser;
let rootOwned: string;
const factory = new FileServiceLogFactory();

before(() => {
  user = createTestUser();
  rootOwned = mkdtempSync(join(tmpdir(), "vigil-root-owned-"));
});

after(() => {
  rmSync(rootOwned, { recursive: true, force: true });
  user.remove();
});

function refusedWith(path: string, reason: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof LogPathRefused, String(error));
    assert.equal(error.path, path);
    assert.match(error.message, reason);
    return true;
  };
}

test("a fresh home gets admin/logs/services and the log file, owned by the user", async () => {
  const account = freshAccount(user);
  const log = await factory.open(account, "web");
  log.note("started with pid 1234");
  await log.close();
  for (const [path, mode] of [
    [join(account.home, "admin"), 0o750],
    [join(account.home, "admin", "logs"), 0o750],
    [servicesDir(account), 0o750],
    [join(servicesDir(account), "web.log"), 0o640],
  ] as const) {
    const stats = statSync(path);
    assert.deepEqual([stats.uid, stats.gid, stats.mode & 0o777], [user.uid, user.gid, mode], path);
  }
  assert.match(readFileSync(join(servicesDir(account), "web.log"), "utf8"), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[vigil\] started with pid 1234\n$/);
});

test("services replaced by a symlink to a root-owned directory is refused and nothing is written there", async () => {
  const account = freshAccount(user);
  mkdirSync(join(account.home, "admin", "logs"), { recursive: true });
  execFileSync("chown", ["-R", `${user.uid}:${user.gid}`, join(account.home, "admin")]);
  symlinkSync(rootOwned, servicesDir(account));
  await assert.rejects(factory.open(account, "web"), refusedWith(servicesDir(account), /services is a symbolic link$/));
  assert.deepEqual(readdirSync(rootOwned), []);
});

test("a log file that is a symlink to a root-owned file is refused and the target is untouched", async () => {
  const account = freshAccount(user);
  await (await factory.open(account, "other")).close();
  const target = join(rootOwned, "secret");
  writeFileSync(target, "root data\n");
  symlinkSync(target, join(servicesDir(account), "web.log"));
  await assert.rejects(factory.open(account, "web"), refusedWith(join(servicesDir(account), "web.log"), /web\.log is a symbolic link$/));
  assert.equal(readFileSync(target, "utf8"), "root data\n");
  rmSync(target);
});

test("a dangling symlink in place of the log file is refused, not created through", async () => {
  const account = freshAccount(user);
  await (await factory.open(account, "other")).close();
  const target = join(rootOwned, "would-be-created");
  symlinkSync(target, join(servicesDir(account), "web.log"));
  await assert.rejects(factory.open(account, "web"), LogPathRefused);
  assert.deepEqual(readdirSync(rootOwned), []);
});

test("a directory on the way owned by someone else is refused naming the owner", async () => {
  const account = freshAccount(user);
  mkdirSync(join(account.home, "admin")); // created by root, left owned by root
  await assert.rejects(
    factory.open(account, "web"),
    refusedWith(join(account.home, "admin"), new RegExp(`admin is owned by uid 0, not by ${user.name} \\(uid ${user.uid}\\)$`)),
  );
});

test("a log file with a second hard link is refused", async () => {
  const account = freshAccount(user);
  await (await factory.open(account, "web")).close();
  linkSync(join(servicesDir(account), "web.log"), join(account.home, "web.log.link"));
  await assert.rejects(factory.open(account, "web"), refusedWith(join(servicesDir(account), "web.log"), /has 2 hard links$/));
});

test("a FIFO in place of the log file is refused at once instead of blocking the agent", async () => {
  const account = freshAccount(user);
  await (await factory.open(account, "other")).close();
  execFileSync("mkfifo", [join(servicesDir(account), "web.log")]);
  await assert.rejects(factory.open(account, "web"), refusedWith(join(servicesDir(account), "web.log"), /is not a regular file$/));
});

test("a home that is a symlink is refused", async () => {
  const account = freshAccount(user);
  const link = `${account.home}-link`;
  symlinkSync(account.home, link);
  await assert.rejects(factory.open({ ...account, home: link }, "web"), refusedWith(link, /is a symbolic link$/));
});

test("a service name that is not one path component is refused", async () => {
  await assert.rejects(factory.open(freshAccount(user), "../escape"), /"\.\.\/escape" is not a valid service name/);
});
