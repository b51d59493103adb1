// The argv that starts a service: a root shell joins the cgroup, setpriv drops to the user,
// a user shell enters the directory, then `/bin/sh -c <command>` runs in the same pid throughout.
import type { LaunchRequest } from "./process-driver.js";

/**
 * Runs as root. `echo` is a builtin, so the shell writes its own pid into cgroup.procs before it
 * forks or execs anything: nothing of the service can start outside the cgroup. `exec 2>&1` makes
 * stderr share stdout's pipe, so writes up to PIPE_BUF from either stay whole.
 */
export const OUTER_SCRIPT = 'exec 2>&1; if [ -n "$1" ]; then echo $$ > "$1/cgroup.procs" || { echo cgroup >&3; exit 125; }; fi; shift; exec "$@"';

/**
 * Runs as the user, so a symlink the user planted cannot make root enter a directory. dash's cd
 * exports OLDPWD; it is restored (or unset) through the positional parameters, because any
 * variable name used here could be one of the service's own. fd 3 reports "ready" (or "cwd") to
 * the agent and is closed before the command runs.
 */
export const INNER_SCRIPT =
  'set -- "$1" "$2" "${OLDPWD+x}" "${OLDPWD-}"; ' +
  'cd -- "$1" || { echo cwd >&3; exit 126; }; ' +
  'if [ -n "$3" ]; then OLDPWD=$4; else unset OLDPWD; fi; ' +
  'echo ready >&3; exec 3>&-; exec /bin/sh -c "$2"';

/** What fd 3 said before it closed: the step that failed, or "ready" once the command is exec'd. */
export type LaunchStatus = "ready" | "cgroup" | "cwd" | "none";

export function parseLaunchStatus(text: string): LaunchStatus {
  const word = text.trim().split("\n").pop();
  return word === "ready" || word === "cgroup" || word === "cwd" ? word : "none";
}

export function buildLaunchArgv(request: LaunchRequest, cgroupPath: string | null, setprivPath: string): string[] {
  const dropPrivileges = request.user
    ? [setprivPath, `--reuid=${request.user.uid}`, `--regid=${request.user.gid}`, "--clear-groups", "--"]
    : [];
  return ["-c", OUTER_SCRIPT, "vigil-launch", cgroupPath ?? "", ...dropPrivileges, "/bin/sh", "-c", INNER_SCRIPT, "vigil-cwd", request.cwd, request.command];
}
