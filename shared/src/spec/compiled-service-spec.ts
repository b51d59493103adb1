// The validated, fully defaulted form of a service definition, produced by compileServiceSpec.
// Everything past the API edge works with these types and never re-checks or re-defaults.
import type { ResourceLimits } from "./resource-limits.js";

export interface CompiledHealthCheck {
  /** Run by /bin/sh -c as the account user; non-zero exit or timeout restarts the service. */
  readonly command: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Delay after a start before the first check. */
  readonly graceMs: number;
}

export interface CompiledServiceSpec {
  readonly name: string;
  readonly command: string;
  /** Normalised, relative to the account's home, never escaping it; "" is the home itself. */
  readonly workingDirectory: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly healthCheck: CompiledHealthCheck | null;
  readonly isDisabled: boolean;
  readonly annotation: string;
  /** Signal name such as "SIGTERM". */
  readonly stopSignal: string;
  readonly stopTimeoutMs: number;
  /** The service's own limits; the host's defaults and ceilings and the account's apply on top. */
  readonly limits: ResourceLimits;
}

/** The account a service runs for, as the agent needs it on the host. */
export interface AccountRuntime {
  readonly name: string;
  readonly unixUser: string;
  readonly uid: number;
  readonly gid: number;
  /** Absolute path of the account's home directory. */
  readonly home: string;
  readonly environment: Readonly<Record<string, string>>;
  /** e.g. { NODEJS_VERSION: "20" }; mapped to PATH entries by the host's config. */
  readonly languageVersions: Readonly<Record<string, string>>;
  /** Caps the sum of the account's services on a host (its account cgroup). */
  readonly limits: ResourceLimits;
}

/** Whether a user wants a service to run ("vigil service start|stop"); the coordinator stores it. */
export const SERVICE_DESIRED_STATES = ["running", "stopped"] as const;
export type ServiceDesiredState = (typeof SERVICE_DESIRED_STATES)[number];

/** One service the host should know: what the agent's reconciler receives. */
export interface DesiredServiceSpec {
  readonly account: AccountRuntime;
  readonly spec: CompiledServiceSpec;
  readonly ports: readonly number[];
  /** Why the service is disabled, when spec.isDisabled (e.g. "crash-loop", "user"). */
  readonly disabledReason: string;
  /** "stopped": the agent keeps it known (status, log, processes) without running it. */
  readonly desiredState: ServiceDesiredState;
  /** The account's own IPv6 address on this host: the service runs in the account's network namespace. Absent or "": the host's network. */
  readonly accountAddress?: string;
}

/** The host-unique key of a service: "<account>/<name>". */
export function serviceKey(account: string, name: string): string {
  return `${account}/${name}`;
}
