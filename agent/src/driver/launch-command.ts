// How a service is started: a root bash with Vigil's own environment joins the cgroup and closes
// stray descriptors, setpriv drops to the user, and only then a user shell reads the service's setup.
import type { LaunchRequest, LaunchUser } from "./process-driver.js";

/** The root stage runs bash, for one thing dash cannot do: close descriptors numbered 10 and up. */
export const ROOT_SHELL = "/bin/bash";

/**
 * The whole environment of everything that runs as root. Nothing the account chose (LD_PRELOAD,
 * BASH_ENV, PATH into its home...) reaches a process before it runs as the account's user.
 */
export const ROOT_ENVIRONMENT: Readonly<Record<string, string>> = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" };

/**
 * Runs as root, interpreting nothing of the account. `echo` is a builtin, so the shell writes its own
 * pid into cgroup.procs before it forks or execs anything: nothing of the service can start outside
 * the cgroup. `exec 2>&1` makes stderr share stdout's pipe, so writes up to PIPE_BUF from either stay
 * whole. Every descriptor above 3 is closed: the agent may have inherited some without close-on-exec
 * from whatever started it, and the service must get none of them (fd 0 carries the user script,
 * fd 3 is the status channel). `exec -c` starts setpriv with an empty environment.
 * Then it joins the limit cgroups ($2 of them: the v1 memory, pids, cpu, cpuacct hierarchies) the same
 * way, and raises its OOM score, inherited by the service, so the kernel picks a service before the agent.
 */
export const ROOT_SCRIPT =
  'exec 2>&1; if [ -n "$1" ]; then echo $$ > "$1/cgroup.procs" || { echo cgroup >&3; exit 125; }; fi; n=$2; shift 2; ' +
  'while (( n > 0 )); do echo $$ > "$1/cgroup.procs" || { echo cgroup >&3; exit 125; }; shift; n=$((n - 1)); done; ' +
  'if [ -n "$1" ]; then { echo "$1" > /proc/self/oom_score_adj; } 2>/dev/null; fi; shift; ' +
  "for fd in /proc/self/fd/*; do fd=${fd##*/}; if (( fd > 3 )); then exec {fd}>&-; fi; done; " +
  'exec -c "$@"';

/** Reads its commands from fd 0, as the user: the service's environment never travels on a command line. */
const USER_SHELL = ["/bin/sh", "-s"] as const;

/** What fd 3 said before it closed: the step that failed, or "ready" once the command is exec'd. */
export type LaunchStatus = "ready" | "cgroup" | "cwd" | "none";

export function parseLaunchStatus(text: string): LaunchStatus {
  const word = text.trim().split("\n").pop();
  return word === "ready" || word === "cgroup" || word === "cwd" ? word : "none";
}

export interface LaunchPrivileges {
  readonly setprivPath: string;
  /** false: the service runs with no_new_privs, so setuid and file capabilities grant it nothing. */
  readonly allowSetuid: boolean;
}

function setprivArgs(user: LaunchUser | null, privileges: LaunchPrivileges): string[] {
  const args = user ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups"] : [];
  if (!privileges.allowSetuid) args.push("--no-new-privs");
  return args.length === 0 ? [] : [privileges.setprivPath, ...args, "--"];
}

/**
 * Joins the account's network namespace, still as root and after the cgroup (nsenter execs setpriv
 * next): nothing of the service runs in the agent's network. The name comes from account-netns-name.ts.
 */
function netnsArgs(request: LaunchRequest): string[] {
  return request.netns === undefined ? [] : ["nsenter", `--net=/run/netns/${request.netns}`, "--"];
}

/**
 * argv for ROOT_SHELL; the user script goes to the child's fd 0. --norc: bash reads ~/.bashrc even
 * non-interactively when its stdin is a socket (the "run by sshd" rule), and fd 0 is one.
 */
export function buildLaunchArgv(request: LaunchRequest, cgroupPath: string | null, privileges: LaunchPrivileges, joins: LaunchJoins = NO_JOINS): string[] {
  const limitArgs = [String(joins.cgroups.length), ...joins.cgroups, joins.oomScoreAdj === null ? "" : String(joins.oomScoreAdj)];
  return ["--norc", "--noprofile", "-c", ROOT_SCRIPT, "vigil-launch", cgroupPath ?? "", ...limitArgs, ...netnsArgs(request), ...setprivArgs(request.user, privileges), ...USER_SHELL];
}

/** What a launch joins besides its tracking cgroup: limit cgroups, and its OOM score (-1000..1000). */
export interface LaunchJoins {
  readonly cgroups: readonly string[];
  readonly oomScoreAdj: number | null;
}

export const NO_JOINS: LaunchJoins = { cgroups: [], oomScoreAdj: null };

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Single quotes keep every byte literal; a quote itself is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** Why the request cannot be written as a user script, or null when it can. */
export function unscriptableReason(request: LaunchRequest): string | null {
  for (const [name, value] of Object.entries(request.env)) {
    if (!VARIABLE_NAME.test(name)) return `environment variable name ${JSON.stringify(name)} must match ${VARIABLE_NAME.source}`;
    if (value.includes("\0")) return `environment variable ${name} contains a NUL character`;
  }
  if (request.cwd.includes("\0") || request.command.includes("\0")) return "the directory or command contains a NUL character";
  return null;
}

/**
 * The script the user shell runs: it starts with an empty environment, exports exactly the service's
 * variables, enters the directory (as the user, so a symlink the user planted cannot make root enter
 * a directory), reports on fd 3 and execs the command with stdin back on /dev/null. dash's cd sets
 * PWD and OLDPWD; the service's own OLDPWD (or none) is put back afterwards.
 */
export function buildUserScript(request: LaunchRequest): string {
  const lines = Object.entries(request.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  lines.push(`cd -- ${shellQuote(request.cwd)} 2>/dev/null || { echo cwd >&3; exit 126; }`);
  const oldpwd = request.env.OLDPWD;
  lines.push(oldpwd === undefined ? "unset OLDPWD" : `export OLDPWD=${shellQuote(oldpwd)}`);
  lines.push("echo ready >&3; exec 3>&-", `exec /bin/sh -c ${shellQuote(request.command)} </dev/null`, "");
  return lines.join("\n");
}
