// Refuses a launch that cannot work (unknown user, missing directory) before spawning anything,
// with the messages a user sees in status and in the service's log.
import { statSync } from "node:fs";
import type { PasswdDatabase } from "../system/passwd.js";
import { type LaunchRequest, StartFailure } from "./process-driver.js";

export async function checkLaunchable(request: LaunchRequest, passwd: PasswdDatabase): Promise<void> {
  const user = request.user;
  if (user && (await passwd.lookupUid(user.uid)) === null) {
    throw new StartFailure("missing-user", `user ${user.name} (uid ${user.uid}) does not exist on this host`);
  }
  let isDirectory: boolean;
  try {
    isDirectory = statSync(request.cwd).isDirectory();
  } catch {
    throw new StartFailure("missing-directory", `working directory ${request.cwd} does not exist`);
  }
  if (!isDirectory) throw new StartFailure("missing-directory", `working directory ${request.cwd} is not a directory`);
}
