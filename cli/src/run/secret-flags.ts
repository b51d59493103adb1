// Keeps secrets off the command line: reads the agent's host token from a file only its owner can
// read (refused otherwise, naming the rule, as OpenSSH does with keys) and refuses secret flags.
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { ConfigError } from "../config/load-settings.js";

/** The first line of `path`, trimmed; refused unless a regular file of this user with mode 0600 or 0400. */
export function readTokenFile(path: string, field = "token_file"): string {
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink planted in place of the file is refused, not followed.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw new ConfigError(`${field}: cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    const uid = process.getuid?.() ?? stat.uid;
    if (!stat.isFile()) throw new ConfigError(`${field}: ${path} must be a regular file`);
    if (stat.uid !== uid) throw new ConfigError(`${field}: ${path} must be owned by the agent's user (uid ${uid}); it is owned by uid ${stat.uid}`);
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) !== 0 || (mode & 0o400) === 0) {
      throw new ConfigError(`${field}: ${path} must be readable by its owner only (mode 0600 or 0400); it is mode 0${mode.toString(8)}`);
    }
    const token = readFileSync(fd, "utf8").split("\n")[0]?.trim() ?? "";
    if (token === "") throw new ConfigError(`${field}: ${path} is empty`);
    return token;
  } finally {
    closeSync(fd);
  }
}

/** Secrets on the command line are readable by every user of the host in /proc/<pid>/cmdline. */
export function refuseSecretFlags(flags: Readonly<Record<string, unknown>>, names: readonly string[]): void {
  for (const name of names) {
    const flag = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    if (flags[name] !== undefined) {
      throw new ConfigError(`--${flag}: a secret on the command line is readable by every user of this host (/proc/<pid>/cmdline); use --${flag}-file <path> or the VIGIL_${flag.toUpperCase().replace(/-/g, "_")} environment variable`);
    }
  }
}

/** A password inside a URL flag (e.g. --database-url postgres://user:secret@db/vigil) is on the command line too. */
export function refusePasswordInUrlFlag(flags: Readonly<Record<string, unknown>>, name: string): void {
  const value = flags[name];
  if (typeof value !== "string") return;
  let password = "";
  try {
    password = new URL(value).password;
  } catch {
    return; // Not a URL: the setting's own check reports it.
  }
  const flag = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  if (password !== "") {
    throw new ConfigError(`--${flag}: a password on the command line is readable by every user of this host (/proc/<pid>/cmdline); give the URL in VIGIL_${flag.toUpperCase().replace(/-/g, "_")} or the config file, or the password in PGPASSWORD or ~/.pgpass`);
  }
}
