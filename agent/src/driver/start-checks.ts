// Refuses a launch whose user Vigil must not run as (a uid below the host's minimum, an account that
// does not match the passwd database) before spawning anything. Directories are checked by the user's own cd.
import type { PasswdDatabase } from "../system/passwd.js";
import { unscriptableReason } from "./launch-command.js";
import { type LaunchRequest, StartFailure } from "./process-driver.js";

export interface LaunchPolicy {
  /** Lowest uid a service may run as: system accounts (and root) are never a tenant's. */
  readonly minimumUid: number;
}

export async function checkLaunchable(request: LaunchRequest, passwd: PasswdDatabase, policy: LaunchPolicy): Promise<void> {
  const unscriptable = unscriptableReason(request);
  if (unscriptable !== null) throw new StartFailure("spawn-failed", `unit ${request.unit} was not started: ${unscriptable}`);
  const user = request.user;
  if (!user) return;
  const who = `user ${user.name} (uid ${user.uid})`;
  if (user.uid < policy.minimumUid) {
    throw new StartFailure("user-refused", `${who} is refused: this host runs services only as uids from ${policy.minimumUid} up`);
  }
  const entry = await passwd.lookupUid(user.uid);
  if (entry === null) throw new StartFailure("missing-user", `${who} does not exist on this host`);
  if (entry.name !== user.name || entry.gid !== user.gid) {
    throw new StartFailure(
      "user-refused",
      `${who}, gid ${user.gid} is refused: this host's passwd entry for uid ${user.uid} is ${entry.name} with gid ${entry.gid}`,
    );
  }
}
