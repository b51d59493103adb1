// What a service's process is started with, computed purely from host config and the desired
// spec: its environment (layered, language versions mapped to PATH), directory and user.
import { posix } from "node:path";
import type { AccountRuntime, CompiledHostConfig, DesiredServiceSpec } from "@vigil/shared";
import type { LaunchUser } from "../driver/process-driver.js";

/** Whom services run as: their account's Unix user (agent is root), or the agent's own user (embedded, not root). */
export type RunAs = "account-user" | "agent-user";

export const UNKNOWN_LANGUAGE_VERSION = "unknown-language-version";

export interface ServiceRuntime {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly user: LaunchUser | null;
}

export type ServiceRuntimeResult =
  | { readonly ok: true; readonly value: ServiceRuntime }
  | { readonly ok: false; readonly reason: typeof UNKNOWN_LANGUAGE_VERSION; readonly message: string };

type HostEnvironmentConfig = Pick<CompiledHostConfig, "baseEnvironment" | "languagePaths">;

/**
 * Layers, later wins: host base, account defaults, account language versions, the service's own
 * variables; then the directories of the chosen language versions go in front of PATH, and the
 * platform's own variables (PORT, PORTS, VIGIL_ADDRESS, HOME, USER, LOGNAME) are set last so nobody
 * overrides them. VIGIL_ADDRESS is the account's own IPv6 address, where its namespace has one.
 */
export function buildServiceRuntime(config: HostEnvironmentConfig, desired: DesiredServiceSpec, runAs: RunAs): ServiceRuntimeResult {
  const { account, spec, ports } = desired;
  const env: Record<string, string> = {
    ...config.baseEnvironment,
    ...account.environment,
    ...account.languageVersions,
    ...spec.environment,
  };
  const prepend: string[] = [];
  for (const variable of Object.keys(config.languagePaths).sort()) {
    const version = env[variable];
    if (version === undefined) continue;
    const versions = config.languagePaths[variable] ?? {};
    const dirs = versions[version];
    if (dirs === undefined) {
      const available = Object.keys(versions).sort().join(", ") || "none";
      return { ok: false, reason: UNKNOWN_LANGUAGE_VERSION, message: `${variable}=${version} is not installed on this host (available: ${available})` };
    }
    prepend.push(...dirs);
  }
  if (prepend.length > 0) env.PATH = [...prepend, ...(env.PATH ? [env.PATH] : [])].join(":");
  if (ports.length > 0) {
    env.PORT = String(ports[0]);
    env.PORTS = ports.join(",");
  }
  if (desired.accountAddress) env.VIGIL_ADDRESS = desired.accountAddress;
  env.HOME = account.home;
  env.USER = account.unixUser;
  env.LOGNAME = account.unixUser;
  return { ok: true, value: { env, cwd: serviceDirectory(account, spec.workingDirectory), user: launchUser(account, runAs) } };
}

/** The compiled working directory is relative and normalised, so joining cannot leave the home. */
export function serviceDirectory(account: AccountRuntime, workingDirectory: string): string {
  return workingDirectory === "" ? account.home : posix.join(account.home, workingDirectory);
}

export function launchUser(account: AccountRuntime, runAs: RunAs): LaunchUser | null {
  return runAs === "agent-user" ? null : { uid: account.uid, gid: account.gid, name: account.unixUser };
}
