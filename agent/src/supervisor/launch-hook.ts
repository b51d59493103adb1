// Starts one run of a service: computes its runtime, opens its log, launches through the driver and
// pipes the output into the log. Any refusal comes back as a start failure with a reason.
import { type CompiledHostConfig, type DesiredServiceSpec, hostEffectiveLimits, launchFingerprint } from "@vigil/shared";
import { type LaunchedProcess, type LaunchLimits, type LaunchRequest, type ProcessDriver, StartFailure } from "../driver/process-driver.js";
import { LogPathRefused, type ServiceLog, type ServiceLogFactory } from "../logs/service-log.js";
import { buildServiceRuntime, type RunAs } from "../runtime/service-environment.js";

export const START_FAILURE_REASONS = {
  missingUser: "missing-user",
  userRefused: "user-refused",
  missingDirectory: "missing-directory",
  spawnFailed: "spawn-failed",
  logPathRefused: "log-path-refused",
  unknownLanguageVersion: "unknown-language-version",
  commandNotFound: "command-not-found",
  networkUnavailable: "network-unavailable",
} as const;
export type StartFailureReason = (typeof START_FAILURE_REASONS)[keyof typeof START_FAILURE_REASONS];

/** Why and how a start was refused, before or by the driver. */
export interface StartRefusal {
  readonly ok: false;
  readonly reason: StartFailureReason;
  readonly message: string;
}

export type LaunchOutcome =
  | {
      readonly ok: true;
      readonly launched: LaunchedProcess;
      readonly request: LaunchRequest;
      /** Resolves once the run's output has been copied into the log to its end. */
      readonly logged: Promise<void>;
    }
  | StartRefusal;

export interface LaunchContext {
  readonly driver: ProcessDriver;
  readonly logs: ServiceLogFactory;
  readonly config: CompiledHostConfig;
  readonly runAs: RunAs;
  readonly onError: (error: unknown) => void;
  /** Account namespaces (public hosts with an account prefix); absent: services share the agent's network. */
  readonly networks?: AccountNetworkJoin;
}

/** What launching needs of account namespaces (AccountNetworks; tests pass fakes). */
export interface AccountNetworkJoin {
  /** The namespace's name under /run/netns, derived (no I/O): health checks join it too. */
  netnsOf(account: string): string;
  /** Creates or checks the namespace with the account's address; rejects with what failed. */
  ensure(account: string, address: string): Promise<string>;
}

/** The request for the service (unit "<account>/<name>") or its health check ("<account>/<name>.health"). */
export function buildLaunchRequest(
  context: Pick<LaunchContext, "config" | "runAs" | "networks">,
  desired: DesiredServiceSpec,
  unit: string,
  command: string,
): { readonly ok: true; readonly request: LaunchRequest } | StartRefusal {
  const runtime = buildServiceRuntime(context.config, desired, context.runAs);
  if (!runtime.ok) return { ok: false, reason: START_FAILURE_REASONS.unknownLanguageVersion, message: runtime.message };
  const address = desired.accountAddress ?? "";
  if (address !== "" && context.networks === undefined) {
    return { ok: false, reason: START_FAILURE_REASONS.networkUnavailable, message: `account address ${address} given, but this agent gives accounts no network namespace (account_address_prefix unset or unusable)` };
  }
  const netns = address === "" ? undefined : context.networks?.netnsOf(desired.account.name);
  return { ok: true, request: { unit, command, ...runtime.value, specHash: launchFingerprint(desired), limits: launchLimits(context.config, desired), ...(netns !== undefined && { netns }) } };
}

/** The service's and its account's limits as this host enforces them (its pool's defaults and ceilings applied). */
export function launchLimits(config: CompiledHostConfig, desired: DesiredServiceSpec): LaunchLimits {
  const effective = hostEffectiveLimits(config.limits, desired.spec.limits, desired.account.limits);
  return { account: desired.account.name, accountLimits: effective.account, serviceLimits: effective.service };
}

/** Opens the log; an unsafe log path refuses the start rather than run the service without its log. */
export async function openLog(logs: ServiceLogFactory, desired: DesiredServiceSpec): Promise<{ readonly ok: true; readonly log: ServiceLog } | StartRefusal> {
  try {
    return { ok: true, log: await logs.open(desired.account, desired.spec.name) };
  } catch (error) {
    if (error instanceof LogPathRefused) return { ok: false, reason: START_FAILURE_REASONS.logPathRefused, message: `log path refused: ${error.path}: ${error.message}` };
    throw error;
  }
}

export async function launchService(context: LaunchContext, desired: DesiredServiceSpec, unit: string, log: ServiceLog): Promise<LaunchOutcome> {
  const built = buildLaunchRequest(context, desired, unit, desired.spec.command);
  if (!built.ok) return built;
  let launched: LaunchedProcess;
  try {
    // The namespace is created or checked before every start: the command joins it before it runs.
    if (built.request.netns !== undefined) await context.networks?.ensure(desired.account.name, desired.accountAddress ?? "");
  } catch (error) {
    return { ok: false, reason: START_FAILURE_REASONS.networkUnavailable, message: `network of account ${desired.account.name}: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    launched = await context.driver.launch(built.request);
  } catch (error) {
    if (error instanceof StartFailure) return { ok: false, reason: error.reason, message: error.message };
    throw error;
  }
  return { ok: true, launched, request: built.request, logged: attachOutput(log, launched, context.onError) };
}

/**
 * Copies a run's output into its log. A reader closed on purpose (the agent leaves its services
 * running when it exits: see ServiceSupervisor.detach) ends the copy quietly.
 */
export function attachOutput(log: ServiceLog, launched: LaunchedProcess, onError: (error: unknown) => void): Promise<void> {
  return log.attach(launched.output, launched.carry, launched.outputPipe).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException)?.code !== "ERR_STREAM_PREMATURE_CLOSE") onError(error);
  });
}
