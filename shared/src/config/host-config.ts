// The agent's host configuration: compileHostConfig turns the operator's settings (parsed JSON or
// YAML, snake_case) into a fully defaulted CompiledHostConfig, or errors naming each broken field.
import type { Compiled, FieldError } from "../errors.js";
import { type ConfigSection, ConfigSection as Section, isVariableName } from "./config-readers.js";
import { compileLanguagePaths, type LanguagePaths } from "./language-paths.js";
import { type CompiledLimitsConfig, compileLimitsConfig } from "./limits-config.js";
import { parseAccountPrefix } from "../network/account-address.js";
import { type CompiledRestartPolicy, compileRestartPolicy } from "./restart-policy-config.js";

export interface CompiledLogRotation {
  /** A service log is rotated once it reaches this size. */
  readonly maxBytes: number;
  /** Rotated files kept besides the current one. */
  readonly keepFiles: number;
}

export interface CompiledHostConfig {
  readonly restartPolicy: CompiledRestartPolicy;
  /** Stop timeout for what the agent ends on its own (a daemonised command's leftovers, a previous run's processes). */
  readonly stopTimeoutMs: number;
  /** Every service's environment starts from this. */
  readonly baseEnvironment: Readonly<Record<string, string>>;
  readonly languagePaths: LanguagePaths;
  readonly logRotation: CompiledLogRotation;
  /** Grace before the first health check when a service's spec leaves it at 0. */
  readonly healthCheckGraceMs: number;
  /** cgroup v2 directory the agent creates service cgroups under; null: the agent's own cgroup. */
  readonly cgroupRoot: string | null;
  /** Where the agent records what it launched, so a restarted agent finds its previous run's processes. */
  readonly stateDir: string;
  /** Process lists (CPU %, RSS) in status are sampled at most this often per service. */
  readonly processSampleIntervalMs: number;
  /**
   * Whether services may gain privileges through setuid programs (sudo, su, ping on old hosts).
   * false: every service runs with no_new_privs.
   */
  readonly allowSetuid: boolean;
  /** The agent refuses to run a service as a lower uid: system accounts are never a tenant's. */
  readonly minimumUid: number;
  /** Unacked events the agent's outbox keeps on disk at most; past it new events are refused and counted. */
  readonly outboxMaxBytes: number;
  /** Resource limit defaults and ceilings of this host's pool. */
  readonly limits: CompiledLimitsConfig;
  /**
   * Public hosts: the IPv6 prefix (routed to this host) the coordinator gives each account an address
   * from; each account's services then run in a network namespace of their own. null: they share the host's network.
   */
  readonly accountAddressPrefix: string | null;
  /**
   * The interface the prefix is on-link at (the upstream router sends neighbour solicitations for
   * each address there): the agent answers them by proxy NDP. null: the prefix is routed to the host.
   */
  readonly accountAddressUplink: string | null;
}

/**
 * The agent's state (outbox, launch records, certificate, desired-state cache): the agent's
 * `state_dir` setting, which the host config's `state_dir` defaults to as well (`vigil agent` sets
 * the one from the other). The coordinator's default lies beside it, in coordinator/.
 */
export const DEFAULT_AGENT_STATE_DIR = "/var/lib/vigil";

/** Where regular accounts start on Debian and most distributions (UID_MIN of login.defs). */
export const DEFAULT_MINIMUM_UID = 1000;
/** The largest uid the kernel accepts: (uid_t)-1 means "unchanged" to setresuid. */
export const MAX_UID = 2 ** 32 - 2;

export const DEFAULT_BASE_ENVIRONMENT: Readonly<Record<string, string>> = {
  PATH: "/usr/local/bin:/usr/bin:/bin",
  LANG: "C.UTF-8",
};

const HOUR_MS = 3_600_000;
const MIB = 1024 * 1024;
/** The agent outbox's default size cap on disk. */
export const DEFAULT_OUTBOX_MAX_BYTES = 64 * MIB;

/** Top-level keys of the host configuration (restart_policy, log_rotation and limits are sections). */
export const HOST_CONFIG_SETTINGS = [
  "restart_policy",
  "stop_timeout_ms",
  "base_environment",
  "language_paths",
  "log_rotation",
  "health_check_grace_ms",
  "cgroup_root",
  "state_dir",
  "process_sample_interval_ms",
  "allow_setuid",
  "minimum_uid",
  "outbox_max_bytes",
  "limits",
  "account_address_prefix",
  "account_address_uplink",
] as const;

export function compileHostConfig(input: unknown = {}): Compiled<CompiledHostConfig> {
  const errors: FieldError[] = [];
  const root = Section.root(input, errors);
  root.rejectUnknown(HOST_CONFIG_SETTINGS);
  const value: CompiledHostConfig = {
    restartPolicy: compileRestartPolicy(root.section("restart_policy")),
    stopTimeoutMs: root.integer("stop_timeout_ms", 10_000, 0, HOUR_MS),
    baseEnvironment: compileBaseEnvironment(root),
    languagePaths: compileLanguagePaths(root),
    logRotation: compileLogRotation(root.section("log_rotation")),
    healthCheckGraceMs: root.integer("health_check_grace_ms", 5_000, 0, HOUR_MS),
    cgroupRoot: root.absolutePath("cgroup_root", null),
    stateDir: root.absolutePath("state_dir", DEFAULT_AGENT_STATE_DIR),
    processSampleIntervalMs: root.integer("process_sample_interval_ms", 2_000, 0, HOUR_MS),
    allowSetuid: root.boolean("allow_setuid", false),
    // Never 0: root is not an account.
    minimumUid: root.integer("minimum_uid", DEFAULT_MINIMUM_UID, 1, MAX_UID),
    outboxMaxBytes: root.integer("outbox_max_bytes", DEFAULT_OUTBOX_MAX_BYTES, MIB, 64 * 1024 * MIB),
    limits: compileLimitsConfig(root.section("limits")),
    accountAddressPrefix: compileAccountPrefix(root),
    accountAddressUplink: compileUplink(root),
  };
  return errors.length === 0 ? { ok: true, value } : { ok: false, errors };
}

function compileBaseEnvironment(root: ConfigSection): Readonly<Record<string, string>> {
  const given = root.object("base_environment");
  if (given === undefined) return DEFAULT_BASE_ENVIRONMENT;
  const section = root.section("base_environment");
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!isVariableName(name)) section.fail(name, "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
    else if (typeof value !== "string" || value.includes("\0")) section.fail(name, "must be a string without NUL characters");
    else environment[name] = value;
  }
  return environment;
}

export const LOG_ROTATION_SETTINGS = ["max_bytes", "keep_files"] as const;

function compileLogRotation(section: ConfigSection): CompiledLogRotation {
  section.rejectUnknown(LOG_ROTATION_SETTINGS);
  return {
    maxBytes: section.integer("max_bytes", 10 * 1024 * 1024, 4_096, 2 ** 40),
    keepFiles: section.integer("keep_files", 5, 1, 100),
  };
}

function compileAccountPrefix(root: ConfigSection): string | null {
  const value = root.value("account_address_prefix");
  if (value === undefined || value === null || value === "") return null;
  const parsed = typeof value === "string" ? parseAccountPrefix(value) : "must be a string";
  return typeof parsed === "string" ? (root.fail("account_address_prefix", parsed) ?? null) : parsed.text;
}

/** A Linux interface name: 1-15 bytes, no slash or blank, not "." or "..". */
const INTERFACE_NAME = /^(?!\.\.?$)[A-Za-z0-9_.:@-]{1,15}$/;

function compileUplink(root: ConfigSection): string | null {
  const value = root.value("account_address_uplink");
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || !INTERFACE_NAME.test(value)) return root.fail("account_address_uplink", "must be a network interface name (1-15 letters, digits, _ . : @ -)") ?? null;
  if (root.value("account_address_prefix") === undefined) return root.fail("account_address_uplink", "needs account_address_prefix") ?? null;
  return value;
}
