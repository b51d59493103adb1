// The argv that starts a service: one shell, already the account's user, waits until the agent has
// put it in its cgroup, enters the directory, then execs `/bin/sh -c <command>` in the same pid.
import type { LaunchRequest } from "./process-driver.js";

/**
 * Runs as the user (Node's uid/gid spawn options: libuv clears the supplementary groups, then sets
 * gid and uid before exec), so a symlink the user planted cannot make root enter a directory.
 * `read` is a builtin: until the agent has written this pid into cgroup.procs and answered on fd 3,
 * the shell forks and execs nothing. dash's cd exports OLDPWD and `read` needs a variable; both
 * are restored (or unset) through the positional parameters, because any name used here could be
 * one of the service's own. fd 3 reports "ready" (or "cwd") to the agent and is closed before the
 * command runs.
 */
export const LAUNCH_SCRIPT =
  'set -- "$1" "$2" "${OLDPWD+x}" "${OLDPWD-}" "${vigil_go+x}" "${vigil_go-}"; ' +
  "read -r vigil_go <&3 || exit 125; " +
  'if [ -n "$5" ]; then vigil_go=$6; else unset vigil_go; fi; ' +
  'cd -- "$1" || { echo cwd >&3; exit 126; }; ' +
  'if [ -n "$3" ]; then OLDPWD=$4; else unset OLDPWD; fi; ' +
  'echo ready >&3; exec 3>&-; exec /bin/sh -c "$2"';

/** What fd 3 said before it closed: the step that failed, or "ready" once the command is exec'd. */
export type LaunchStatus = "ready" | "cwd" | "none";

export function parseLaunchStatus(text: string): LaunchStatus {
  const word = text.trim().split("\n").pop();
  return word === "ready" || word === "cwd" ? word : "none";
}

export function buildLaunchArgv(request: LaunchRequest): string[] {
  return ["-c", LAUNCH_SCRIPT, "vigil-launch", request.cwd, request.command];
}
