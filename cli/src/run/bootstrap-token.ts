// The first operator token of a distributed coordinator: written once to a file only root can read,
// so that an operator can issue accounts, hosts and further tokens through the Admin API.
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { createToken, type Store } from "@vigil/coordinator";
import { ConfigError } from "../config/load-settings.js";

export type BootstrapOutcome = "written" | "kept";

/**
 * Issues an operator token into `path` when that file does not exist; an existing file is kept as
 * it is, so restarts never multiply tokens and a token the operator rotated stays rotated. A missing
 * directory is created private (0700), as the state directory would be: a first start by hand needs
 * no mkdir before it.
 */
export async function writeBootstrapToken(store: Store, path: string): Promise<BootstrapOutcome> {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ConfigError(`bootstrap_token_file: cannot create the directory of ${path}: ${(error as Error).message}`);
  }
  let fd: number;
  try {
    // Exclusive create: two coordinators starting at once cannot both issue a token into one file.
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return "kept";
    throw new ConfigError(`bootstrap_token_file: cannot create ${path}: ${(error as Error).message}`);
  }
  try {
    const issued = await createToken(store.db, { scope: "operator", description: "vigil coordinator: bootstrap operator" });
    writeSync(fd, `${issued.token}\n`);
    return "written";
  } catch (error) {
    // An empty file would read as "already bootstrapped" on the next start.
    unlinkSync(path);
    throw error;
  } finally {
    closeSync(fd);
  }
}
