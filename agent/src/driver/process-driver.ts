// The narrow boundary between supervision logic and the operating system's processes.
// The real implementation (linux-process-driver) spawns and tracks; fake-process-driver is for logic tests.
import type { Readable } from "node:stream";
import type { ProcessSnapshot, ResourceLimits } from "@vigil/shared";
import type { NamedOutputPipe, OutputCarry } from "../logs/service-log.js";

/** How every process of one launch is found again: a cgroup v2 directory, or a process group. */
export type ProcessTracking =
  | { readonly kind: "cgroup"; readonly path: string }
  | { readonly kind: "process-group"; readonly pgid: number };

export interface LaunchUser {
  readonly uid: number;
  readonly gid: number;
  /** Login name, used for diagnostics only. */
  readonly name: string;
}

export interface LaunchRequest {
  /**
   * Host-unique name of this launch's tracking unit, e.g. "alice/web" or "alice/web.health".
   * The driver derives the cgroup name from it.
   */
  readonly unit: string;
  /** Run as `/bin/sh -c <command>` in the foreground. */
  readonly command: string;
  /** Absolute directory the command starts in. */
  readonly cwd: string;
  /** The complete environment; nothing of the agent's own environment leaks in. */
  readonly env: Readonly<Record<string, string>>;
  /** null: run as the agent's own user (embedded mode as a normal user). */
  readonly user: LaunchUser | null;
  /** Optional identity of the spec this launch runs, kept in the launch record so a future agent can adopt a matching process. */
  readonly specHash?: string;
  /** The effective limits (host defaults and ceilings applied); absent: no limit cgroups. */
  readonly limits?: LaunchLimits;
  /** A network namespace under /run/netns the command joins before it runs (its account's); absent: the agent's. */
  readonly netns?: string;
}

export interface LaunchLimits {
  /** Names the account cgroup every launch of the account shares. */
  readonly account: string;
  readonly accountLimits: ResourceLimits;
  readonly serviceLimits: ResourceLimits;
}

/** Read back from a unit's limit cgroups: kernel OOM kills and forks refused by the task limit. */
export interface LimitCounters {
  readonly oomKills: number;
  /** Forks refused to the unit's own processes (v2: pids.events.local where the kernel has it, so an account limit's refusals count too). */
  readonly taskLimitHits: number;
  /**
   * Forks refused by the account cgroup's task limit since this launch, by any service of the account
   * (kernels since 6.15 count a refusal in the cgroup whose limit refused it, not in the forking one).
   */
  readonly accountTaskLimitHits: number;
}

export interface ExitStatus {
  /** Exit code, or null when a signal ended the process. */
  readonly code: number | null;
  /** Signal name such as "SIGKILL", or null. */
  readonly signal: string | null;
  readonly at: number;
  /**
   * How it ended is not known: the process was started by an earlier agent run, so no exit status
   * reaches this one; "exited-while-down": it was already gone when this run took the service over.
   */
  readonly unknown?: "exited-while-down" | "not-a-child";
}

export interface LaunchedProcess {
  readonly pid: number;
  readonly tracking: ProcessTracking;
  readonly startedAt: number;
  /** stdout and stderr of the service through one pipe, so writes up to PIPE_BUF stay whole. */
  readonly output: Readable;
  /** Resolves when the main process has exited (other processes of the unit may remain). */
  readonly exited: Promise<ExitStatus>;
  /** Carries a line half read across agent runs (see ServiceLog.attach); absent: not kept. */
  readonly carry?: OutputCarry;
  /** The named FIFO under `output`, for a reader in another process (the log keeper); absent: unnamed. */
  readonly outputPipe?: NamedOutputPipe;
}

/** A launch refused before the command could run: unknown or refused user, unreachable directory, no shell. */
export class StartFailure extends Error {
  constructor(
    readonly reason: "missing-user" | "user-refused" | "missing-directory" | "spawn-failed",
    message: string,
  ) {
    super(message);
    this.name = "StartFailure";
  }
}

/** A unit that a previous agent run left running (found through launch records or the cgroup subtree). */
export interface LeftoverUnit {
  readonly unit: string;
  readonly tracking: ProcessTracking;
  /** Empty when the recorded service exited while no agent ran. */
  readonly pids: readonly number[];
  /** The launch's fingerprint (launchFingerprint of its spec), when recorded. */
  readonly specHash?: string | null;
}

export interface ProcessDriver {
  /** How the driver enforces limits ("cgroup-v2", "cgroup-v1", "none" and why); absent: none. */
  readonly limitsMode?: { readonly mode: string; readonly detail: string };
  /** Starts the command; rejects with StartFailure when it cannot be started at all. */
  launch(request: LaunchRequest): Promise<LaunchedProcess>;
  /** Sends a signal to one process. Unknown or already-gone pids are ignored. */
  signalProcess(pid: number, signal: string): void;
  /** Sends a signal to every process of the unit. */
  signalAll(tracking: ProcessTracking, signal: string): Promise<void>;
  /** SIGKILLs every process of the unit (cgroup.kill where available). */
  killAll(tracking: ProcessTracking): Promise<void>;
  /** Pids of every process still in the unit. */
  listPids(tracking: ProcessTracking): Promise<number[]>;
  /** Resolves true once the unit has no process left, false after timeoutMs. */
  waitEmpty(tracking: ProcessTracking, timeoutMs: number): Promise<boolean>;
  /** pid, ppid, user, command, CPU % and RSS of every process of the unit. */
  inspect(tracking: ProcessTracking): Promise<ProcessSnapshot[]>;
  /** Removes what tracked the unit (its cgroup) once it is empty. */
  release(tracking: ProcessTracking): Promise<void>;
  /** Removes what the driver itself made (its empty cgroup subtree) after every unit was released. */
  dispose?(): Promise<void>;
  /** Units a previous agent run left (running, or exited while no agent ran); the supervisor adopts or ends them. */
  findLeftovers?(): Promise<readonly LeftoverUnit[]>;
  /**
   * Takes over a leftover's service as if this run had launched it: same pid, its output pipe read
   * again, its exit noticed (status unknown). null: it cannot be adopted (no record of a launch by
   * this boot with a kept output pipe) and must be ended instead.
   */
  adopt?(leftover: LeftoverUnit, limits: LaunchLimits | undefined): Promise<LaunchedProcess | null>;
  /** Writes new limits into the running unit's cgroups; throws when the kernel refuses (e.g. a memory maximum below use). */
  updateLimits?(tracking: ProcessTracking, limits: LaunchLimits): Promise<void>;
  /** The unit's counters, null when it has no limit cgroups. */
  limitCounters?(tracking: ProcessTracking): Promise<LimitCounters | null>;
}
