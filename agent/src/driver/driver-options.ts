// The LinuxProcessDriver's options and their compiled, fully defaulted form: where cgroups and
// launch records live and whom services may run as, decided once at construction.
import { isAbsolute, join } from "node:path";
import { mkdirSync } from "node:fs";
import { DEFAULT_MINIMUM_UID, type FieldError, InvalidInputError, MAX_UID } from "@vigil/shared";
import { detectLimitsMode, type LimitsMode } from "../limits/limits-mode.js";
import { findCgroup2Mount } from "../system/cgroup-mount.js";

export interface LinuxProcessDriverOptions {
  /** Absolute directory for launch records (<stateDir>/launches/*.json); created 0700 when missing. */
  readonly stateDir: string;
  /**
   * Root of this agent's cgroup subtree. Omitted: "<cgroup2 mount>/vigil/<instance>" when the host
   * has cgroup v2 and the agent may create it, process groups otherwise. null: process groups only.
   * A path: that directory inside a cgroup2 mount, created when missing.
   */
  readonly cgroupRoot?: string | null;
  /** Names the subtree when cgroupRoot is omitted, so parallel agents and tests never share one. Default "agent". */
  readonly instance?: string;
  /** How often waitEmpty looks at the unit. Default 15 ms. */
  readonly pollIntervalMs?: number;
  /** Default "/usr/bin/setpriv" (util-linux). */
  readonly setprivPath?: string;
  /** Whether services may gain privileges through setuid programs. Default false: no_new_privs. */
  readonly allowSetuid?: boolean;
  /** Launches as a lower uid are refused. Default 1000. */
  readonly minimumUid?: number;
  /** How limits are enforced. Default: detected (detectLimitsMode) when the driver tracks by cgroup, else none. */
  readonly limitsMode?: LimitsMode;
  /** Refuse every launch when the host cannot enforce limits (a pool that requires them). Default false. */
  readonly requireLimits?: boolean;
}

export interface CompiledDriverOptions {
  readonly stateDir: string;
  readonly cgroupRoot: string | null;
  readonly pollIntervalMs: number;
  readonly setprivPath: string;
  readonly allowSetuid: boolean;
  readonly minimumUid: number;
  readonly instance: string;
  readonly limitsMode: LimitsMode;
  readonly requireLimits: boolean;
}

function autoCgroupRoot(instance: string): string | null {
  const mount = findCgroup2Mount();
  if (!mount) return null;
  const root = join(mount, "vigil", instance);
  try {
    mkdirSync(root, { recursive: true });
    return root;
  } catch {
    // Not root, or a read-only cgroupfs (containers): process groups still work.
    return null;
  }
}

export function compileDriverOptions(options: LinuxProcessDriverOptions): CompiledDriverOptions {
  const errors: FieldError[] = [];
  const instance = options.instance ?? "agent";
  const pollIntervalMs = options.pollIntervalMs ?? 15;
  const setprivPath = options.setprivPath ?? "/usr/bin/setpriv";
  const minimumUid = options.minimumUid ?? DEFAULT_MINIMUM_UID;
  if (!isAbsolute(options.stateDir)) errors.push({ field: "stateDir", rule: "must be an absolute path" });
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(instance)) errors.push({ field: "instance", rule: "must be 1-64 characters of A-Z, a-z, 0-9, _ or -" });
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 1 || pollIntervalMs > 1000) errors.push({ field: "pollIntervalMs", rule: "must be an integer from 1 to 1000" });
  if (!isAbsolute(setprivPath)) errors.push({ field: "setprivPath", rule: "must be an absolute path" });
  if (!Number.isInteger(minimumUid) || minimumUid < 1 || minimumUid > MAX_UID) errors.push({ field: "minimumUid", rule: `must be an integer from 1 to ${MAX_UID}` });
  if (typeof options.cgroupRoot === "string" && !isAbsolute(options.cgroupRoot)) errors.push({ field: "cgroupRoot", rule: "must be an absolute path" });
  if (errors.length > 0) throw new InvalidInputError(errors);
  let cgroupRoot: string | null;
  if (options.cgroupRoot === undefined) cgroupRoot = autoCgroupRoot(instance);
  else if (options.cgroupRoot === null) cgroupRoot = null;
  else {
    mkdirSync(options.cgroupRoot, { recursive: true });
    cgroupRoot = options.cgroupRoot;
  }
  const limitsMode = options.limitsMode ?? (cgroupRoot === null ? { mode: "none", detail: "the agent tracks services by process group (no cgroups)" } : detectLimitsMode());
  return { stateDir: options.stateDir, cgroupRoot, pollIntervalMs, setprivPath, allowSetuid: options.allowSetuid ?? false, minimumUid, instance, limitsMode, requireLimits: options.requireLimits ?? false };
}
