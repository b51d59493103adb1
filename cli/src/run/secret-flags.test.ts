// The host token file's rules: readable by its owner only, owned by the agent's user, a regular
// file reached without a symlink, not empty; each refusal names the setting and the rule.
import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { readTokenFile, refuseSecretFlags } from "./secret-flags.js";

const dir = mkdtempSync(join(tmpdir(), "vigil-token-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function tokenFile(name: string, mode: number, text = "vigil_abc\n"): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

test("a 0600 or 0400 file of this user gives its first line", () => {
  assert.equal(readTokenFile(tokenFile("rw", 0o600, "vigil_abc\nignored\n")), "vigil_abc");
  assert.equal(readTokenFile(tokenFile("ro", 0o400)), "vigil_abc");
});

test("a file its group or others may read is refused naming the mode", () => {
  assert.throws(() => readTokenFile(tokenFile("group", 0o640)), /^ConfigError: token_file: .*group must be readable by its owner only \(mode 0600 or 0400\); it is mode 0640$/);
  assert.throws(() => readTokenFile(tokenFile("world", 0o604)), /it is mode 0604$/);
});

test("a file of another user (chown: the tests run as root), a symlink, a directory and an empty file are refused", () => {
  const foreign = tokenFile("foreign", 0o600);
  chownSync(foreign, 65_534, 65_534);
  assert.throws(() => readTokenFile(foreign), /token_file: .*foreign must be owned by the agent's user \(uid 0\); it is owned by uid 65534/);
  const link = join(dir, "link");
  symlinkSync(tokenFile("target", 0o600), link);
  assert.throws(() => readTokenFile(link), /token_file: cannot open .*link: ELOOP/);
  assert.throws(() => readTokenFile(dir), /token_file: .* must be a regular file/);
  assert.throws(() => readTokenFile(tokenFile("empty", 0o600, "\n")), /token_file: .*empty is empty/);
});

test("a token flag on the command line is refused pointing at the file and the environment", () => {
  assert.throws(() => refuseSecretFlags({ token: "vigil_abc" }, ["token"]), /^ConfigError: --token: a secret on the command line is readable by every user of this host \(\/proc\/<pid>\/cmdline\); use --token-file <path> or the VIGIL_TOKEN environment variable$/);
  refuseSecretFlags({ tokenFile: "/etc/vigil/host.token" }, ["token"]);
});
