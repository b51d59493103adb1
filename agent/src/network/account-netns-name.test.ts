// Names derived from hostile account names stay safe: fixed prefix, hash, reduced readable part,
// host veth within IFNAMSIZ; distinct per account and per agent instance.
import assert from "node:assert/strict";
import { test } from "node:test";
import { accountNetnsNames, hostVethOf } from "./account-netns-name.js";

const SAFE_NETNS = /^vigil-[a-z0-9]+-[0-9a-f]{12}(-[a-z0-9][a-z0-9-]*)?$/;

test("a plain account name is readable in its namespace's name; the host veth fits IFNAMSIZ", () => {
  const names = accountNetnsNames("a0123456789ab", "alpha");
  assert.match(names.netns, /^vigil-a0123456789ab-[0-9a-f]{12}-alpha$/);
  assert.match(names.hostVeth, /^vn[0-9a-f]{12}$/);
  assert.ok(names.hostVeth.length <= 15);
  assert.equal(hostVethOf("a0123456789ab", names.netns), names.hostVeth);
});

for (const hostile of ["../../etc/passwd", "-n x", "a b;rm -rf /", "ALPHA", "\u00e9t\u00e9", "x".repeat(300), ""]) {
  test(`account name ${JSON.stringify(hostile.slice(0, 20))} gives only safe names`, () => {
    const names = accountNetnsNames("a0123456789ab", hostile);
    assert.match(names.netns, SAFE_NETNS);
    assert.ok(names.netns.length <= 64);
    assert.match(names.hostVeth, /^vn[0-9a-f]{12}$/);
  });
}

test("two accounts, or one account under two agent instances, never share a name", () => {
  assert.notEqual(accountNetnsNames("a1", "alpha").netns, accountNetnsNames("a1", "Alpha").netns);
  assert.notEqual(accountNetnsNames("a1", "alpha").hostVeth, accountNetnsNames("a2", "alpha").hostVeth);
  assert.equal(hostVethOf("a1", accountNetnsNames("a2", "alpha").netns), undefined, "another instance's namespace is not ours");
  assert.throws(() => accountNetnsNames("A/../", "alpha"), /agent instance/);
});
