// Tables of who can reach which directory, as `vigil up` decides before it creates a service home.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ancestors, type DirectoryMode, unreachableReason } from "./home-reachability.js";

const nobody = { name: "nobody", uid: 65_534, gid: 65_534 };

function tree(entries: Record<string, DirectoryMode>): (path: string) => DirectoryMode {
  return (path) => {
    const entry = entries[path];
    if (entry === undefined) throw new Error("ENOENT");
    return entry;
  };
}

const root = (mode: number): DirectoryMode => ({ mode, uid: 0, gid: 0 });

describe("home reachability", () => {
  it("lists every ancestor from the root down", () => {
    assert.deepEqual(ancestors("/var/lib/x"), ["/", "/var", "/var/lib", "/var/lib/x"]);
  });

  it("refuses a home under a 0700 directory of root, naming it with its mode and owner", () => {
    const stat = tree({ "/": root(0o755), "/root": root(0o700), "/root/.vigil": root(0o700), "/root/.vigil/home": root(0o755), "/root/.vigil/home/root": { mode: 0o700, uid: 65_534, gid: 65_534 } });
    assert.equal(unreachableReason("/root/.vigil/home/root", nobody, stat), "/root is mode 0700, owned by uid 0 gid 0");
  });

  it("accepts a home the user owns below directories others may search", () => {
    const stat = tree({ "/": root(0o755), "/var": root(0o755), "/var/h": root(0o711), "/var/h/root": { mode: 0o700, uid: 65_534, gid: 65_534 } });
    assert.equal(unreachableReason("/var/h/root", nobody, stat), null);
  });

  it("refuses a home the user cannot write, and a missing one", () => {
    const stat = tree({ "/": root(0o755), "/srv": root(0o755), "/srv/h": root(0o755) });
    assert.equal(unreachableReason("/srv/h", nobody, stat), "/srv/h is mode 0755, owned by uid 0 gid 0");
    assert.equal(unreachableReason("/srv/none", nobody, stat), "/srv/none does not exist");
  });

  it("uses the group bits for a directory of the user's group", () => {
    const stat = tree({ "/": root(0o755), "/g": { mode: 0o750, uid: 0, gid: 65_534 }, "/g/h": { mode: 0o700, uid: 65_534, gid: 65_534 } });
    assert.equal(unreachableReason("/g/h", nobody, stat), null);
  });
});
