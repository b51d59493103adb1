// Opens $HOME/admin/logs/services of an account without ever following a symlink the user planted.
// Ownership rule: the home is owned by the account or by root; admin, logs, services by the account.
import { isAbsolute } from "node:path";
import type { AccountRuntime } from "@vigil/shared";
import { closeQuietly, openDirectory, openOrCreateSubdirectory, type Owner } from "./safe-open.js";
import { LogPathRefused } from "./service-log.js";

/** Below the home, in order; created when missing. */
export const LOG_DIRECTORY_PARTS = ["admin", "logs", "services"] as const;

export interface OpenLogDirectory {
  /** The services directory, open: every later open, rename and read goes through it. */
  readonly fd: number;
  /** Its path, for messages. */
  readonly path: string;
  readonly owner: Owner;
}

export function ownerOf(account: AccountRuntime): Owner {
  return { uid: account.uid, gid: account.gid, label: `${account.unixUser} (uid ${account.uid})` };
}

/**
 * The path of the home itself (e.g. /home/alice) is the operator's: only its last component is
 * opened with O_NOFOLLOW. Each later component is opened relative to its parent's fd, so a swap
 * after a check cannot redirect the next step.
 */
export function openLogDirectory(account: AccountRuntime): OpenLogDirectory {
  const owner = ownerOf(account);
  if (!isAbsolute(account.home)) throw new LogPathRefused(account.home, `refusing to write the service log: home ${account.home} is not an absolute path`);
  let path = account.home.replace(/\/+$/, "") || "/";
  let fd = openDirectory(path, [account.uid, 0], owner);
  for (const part of LOG_DIRECTORY_PARTS) {
    path = `${path}/${part}`;
    try {
      const child = openOrCreateSubdirectory(fd, part, path, owner);
      closeQuietly(fd);
      fd = child;
    } catch (error) {
      closeQuietly(fd);
      throw error;
    }
  }
  return { fd, path, owner };
}
