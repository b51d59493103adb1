// The driver runs services only as real tenant accounts: uids below the host's minimum, users
// unknown to the host and accounts that disagree with the passwd database are refused before any spawn.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { createDriverKit, type DriverKit } from "./driver-test-kit.js";
import { type LaunchRequest, type LaunchUser, StartFailure } from "./process-driver.js";

let user: TestUser;
let systemUser: TestUser;
let kit: DriverKit;

before(() => {
  user = createTestUser();
  systemUser = createTestUser({ system: true });
  kit = createDriverKit();
});

after(async () => {
  await kit.cleanup();
  user.remove();
  systemUser.remove();
});

function request(launchUser: LaunchUser): LaunchRequest {
  return { unit: `${launchUser.name}/web`, command: "true", cwd: "/", env: {}, user: launchUser };
}

async function assertRefused(driverKit: DriverKit, launchUser: LaunchUser, reason: string, message: string): Promise<void> {
  await assert.rejects(driverKit.driver.launch(request(launchUser)), (error: unknown) => {
    assert.ok(error instanceof StartFailure, String(error));
    assert.equal(error.reason, reason);
    assert.equal(error.message, message);
    return true;
  });
}

void test("a real system account (uid below 1000) is refused by default", async () => {
  assert.ok(systemUser.uid < 1000, `useradd --system gave uid ${systemUser.uid}`);
  const { name, uid, gid } = systemUser;
  await assertRefused(kit, { name, uid, gid }, "user-refused", `user ${name} (uid ${uid}) is refused: this host runs services only as uids from 1000 up`);
});

void test("uid 999 and root are refused whatever the passwd database says", async () => {
  await assertRefused(kit, { name: "daemonish", uid: 999, gid: 999 }, "user-refused", "user daemonish (uid 999) is refused: this host runs services only as uids from 1000 up");
  await assertRefused(kit, { name: "root", uid: 0, gid: 0 }, "user-refused", "user root (uid 0) is refused: this host runs services only as uids from 1000 up");
});

void test("the minimum uid is the host's to choose", async (t) => {
  const strict = createDriverKit({ minimumUid: user.uid + 1 });
  t.after(() => strict.cleanup());
  const { name, uid, gid } = user;
  await assertRefused(strict, { name, uid, gid }, "user-refused", `user ${name} (uid ${uid}) is refused: this host runs services only as uids from ${uid + 1} up`);
});

void test("a uid that exists under another name is refused, naming the passwd entry", async () => {
  const { uid, gid } = user;
  await assertRefused(kit, { name: "mallory", uid, gid }, "user-refused", `user mallory (uid ${uid}), gid ${gid} is refused: this host's passwd entry for uid ${uid} is ${user.name} with gid ${gid}`);
});

void test("the right user with another group (root's) is refused", async () => {
  const { name, uid } = user;
  await assertRefused(kit, { name, uid, gid: 0 }, "user-refused", `user ${name} (uid ${uid}), gid 0 is refused: this host's passwd entry for uid ${uid} is ${name} with gid ${user.gid}`);
});

void test("the matching account is launched", async () => {
  const { name, uid, gid } = user;
  const launched = await kit.driver.launch(request({ name, uid, gid }));
  const exit = await launched.exited;
  assert.equal(exit.code, 0);
  assert.equal(await kit.driver.waitEmpty(launched.tracking, 15_000), true);
  await kit.driver.release(launched.tracking);
});
