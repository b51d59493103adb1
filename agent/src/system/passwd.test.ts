// The passwd database finds accounts by uid, locally and through NSS,
// and names unknown uids by number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PasswdDatabase, parsePasswd } from "./passwd.js";

void test("passwd lines parse into entries and malformed lines are skipped", () => {
  const text = "root:x:0:0:root:/root:/bin/bash\nbroken line\nalice:x:1234:1235:Alice:/home/alice:/bin/sh\n";
  assert.deepEqual(parsePasswd(text), [
    { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash" },
    { name: "alice", uid: 1234, gid: 1235, home: "/home/alice", shell: "/bin/sh" },
  ]);
});

void test("root exists and a uid nobody has does not", async () => {
  const passwd = new PasswdDatabase();
  assert.equal((await passwd.lookupUid(0))?.name, "root");
  assert.equal(await passwd.lookupUid(3999999999), null);
  assert.equal(passwd.nameOf(3999999999), "3999999999");
});
