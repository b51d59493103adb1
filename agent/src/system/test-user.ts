// Test support (exported for the system tests): creates a throwaway Unix user with a home in a
// temporary directory, so tests with real processes can check uid, gid, groups and ownership.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  /** Deletes the user, its group and the temporary directory holding the home. */
  remove(): void;
}

/** useradd locks /etc/passwd; parallel test files can collide on that lock, so retry briefly. */
function runWithLockRetry(command: string, args: string[]): void {
  for (let attempt = 0; ; attempt += 1) {
    try {
      execFileSync(command, args, { stdio: "pipe" });
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      execFileSync("sleep", ["0.1"]);
    }
  }
}

export interface TestUserOptions {
  /** A system account (uid below 1000, which Vigil refuses to run services as). Default false. */
  readonly system?: boolean;
}

export function createTestUser(options: TestUserOptions = {}): TestUser {
  const name = `vigil-t${randomBytes(5).toString("hex")}`;
  const base = mkdtempSync(join(tmpdir(), "vigil-user-"));
  // mkdtemp makes the directory 0700: the user must be able to pass through it to its home.
  chmodSync(base, 0o755);
  const home = join(base, name);
  // A regular account gets a uid from 1000 up, like a tenant's: the agent refuses lower ones.
  const kind = options.system === true ? ["--system"] : [];
  runWithLockRetry("useradd", [...kind, "--no-create-home", "--user-group", "--home-dir", home, "--shell", "/usr/sbin/nologin", name]);
  const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
  mkdirSync(home, { mode: 0o750 });
  chownSync(home, uid, gid);
  return {
    name,
    uid,
    gid,
    home,
    remove() {
      runWithLockRetry("userdel", [name]);
      rmSync(base, { recursive: true, force: true });
    },
  };
}
