// Turns `service create` / `service update` flags into Admin messages: --env FOO=bar (repeatable),
// --env-string 'A=1 B=2', --workdir, --health-cmd, --stop-signal, --port, --annotation, --disabled.
import { MAX_PORTS_PER_SERVICE, ServiceInput, type UpdateServiceRequest } from "@vigil/shared";
import { usageError } from "./cli-error.js";
import { type LimitFlags, limitsFromFlags } from "./limit-flags.js";

export interface ServiceFlags extends LimitFlags {
  readonly env?: readonly string[];
  readonly envString?: string;
  readonly workdir?: string;
  readonly healthCmd?: string;
  readonly healthInterval?: string;
  readonly healthTimeout?: string;
  readonly healthGrace?: string;
  readonly stopSignal?: string;
  readonly stopTimeout?: string;
  readonly port?: readonly string[];
  readonly ports?: string;
  readonly annotation?: string;
  readonly disabled?: boolean;
  readonly replaceEnv?: boolean;
  readonly command?: string;
}

export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

export function parseEnvFlags(values: readonly string[] = []): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf("=");
    if (equals <= 0) throw usageError(`--env: must be NAME=value (got ${JSON.stringify(value)})`);
    environment[value.slice(0, equals)] = value.slice(equals + 1);
  }
  return environment;
}

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`${flag}: must be a whole number (got ${JSON.stringify(value)})`);
  return Number(value);
}

/** The API reads port_count 0 as "the default, one port": 0 here would silently become 1. */
function portCount(value: string | undefined): number {
  const count = wholeNumber(value, "--ports");
  if (count === undefined) return 0;
  if (count < 1 || count > MAX_PORTS_PER_SERVICE) {
    throw usageError(`--ports: must be 1 to ${MAX_PORTS_PER_SERVICE} (got ${count}): a service has at least one port and at most ${MAX_PORTS_PER_SERVICE}`);
  }
  return count;
}

/** The optional timing and stop flags shared by create and update; absent flags stay absent. */
function timingFlags(flags: ServiceFlags): Pick<ServiceInput, "healthCheckIntervalMs" | "healthCheckTimeoutMs" | "healthCheckGraceMs" | "stopSignal" | "stopTimeoutMs"> {
  const healthCheckIntervalMs = wholeNumber(flags.healthInterval, "--health-interval");
  const healthCheckTimeoutMs = wholeNumber(flags.healthTimeout, "--health-timeout");
  const healthCheckGraceMs = wholeNumber(flags.healthGrace, "--health-grace");
  const stopTimeoutMs = wholeNumber(flags.stopTimeout, "--stop-timeout");
  return {
    ...(healthCheckIntervalMs !== undefined && { healthCheckIntervalMs }),
    ...(healthCheckTimeoutMs !== undefined && { healthCheckTimeoutMs }),
    ...(healthCheckGraceMs !== undefined && { healthCheckGraceMs }),
    // The signal is checked by the server, so the CLI and the API refuse the same names alike.
    ...(flags.stopSignal !== undefined && { stopSignal: flags.stopSignal }),
    ...(stopTimeoutMs !== undefined && { stopTimeoutMs }),
  };
}

export function serviceInputFromFlags(name: string, command: string, flags: ServiceFlags): ServiceInput {
  return ServiceInput.fromPartial({
    name,
    command,
    workingDirectory: flags.workdir ?? "",
    environment: parseEnvFlags(flags.env),
    environmentString: flags.envString ?? "",
    checkHealthCommand: flags.healthCmd ?? "",
    ...timingFlags(flags),
    isDisabled: flags.disabled ?? false,
    annotation: flags.annotation ?? "",
    ports: (flags.port ?? []).map((port) => wholeNumber(port, "--port") ?? 0),
    portCount: portCount(flags.ports),
    limits: limitsFromFlags(flags).limits,
  });
}

/** Only the flags given change; --replace-env replaces the environment instead of merging. */
export function serviceUpdateFromFlags(account: string, name: string, flags: ServiceFlags): Partial<UpdateServiceRequest> {
  return {
    account,
    name,
    ...(flags.command !== undefined && { command: flags.command }),
    ...(flags.workdir !== undefined && { workingDirectory: flags.workdir }),
    environment: parseEnvFlags(flags.env),
    replaceEnvironment: flags.replaceEnv ?? false,
    ...(flags.envString !== undefined && { environmentString: flags.envString }),
    ...(flags.healthCmd !== undefined && { checkHealthCommand: flags.healthCmd }),
    ...timingFlags(flags),
    ...(flags.annotation !== undefined && { annotation: flags.annotation }),
    ...updateLimits(flags),
  };
}

function updateLimits(flags: ServiceFlags): Partial<Pick<UpdateServiceRequest, "limits" | "removeLimits">> {
  const { limits, remove } = limitsFromFlags(flags, true);
  return { ...(Object.keys(limits).length > 0 && { limits }), ...(remove.length > 0 && { removeLimits: remove }) };
}

/** True when the update carries no field to change: only account, name and the empty defaults. */
export function isEmptyUpdate(request: Partial<UpdateServiceRequest>): boolean {
  const { account: _account, name: _name, environment, replaceEnvironment, ...fields } = request;
  return Object.keys(fields).length === 0 && Object.keys(environment ?? {}).length === 0 && replaceEnvironment !== true;
}
