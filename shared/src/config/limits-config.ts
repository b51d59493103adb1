// The host configuration's `limits` section: defaults and ceilings for services and accounts on this
// host (hosts of a pool share one configuration, so these are the pool's), and whether enforcing them
// is required. A public pool sets ceilings no account can go past, whatever its services ask for.
import { compileResourceLimits, effectiveLimits, LIMIT_FIELDS, NO_LIMITS, type ResourceLimits } from "../spec/resource-limits.js";
import type { ConfigSection } from "./config-readers.js";

export interface CompiledLimitsConfig {
  /** true: a host that cannot enforce limits takes no services (and says why). */
  readonly required: boolean;
  /** Limits a service gets for what its spec leaves unset. */
  readonly serviceDefaults: ResourceLimits;
  /** No service gets more than this, whatever its spec says. */
  readonly serviceCeiling: ResourceLimits;
  readonly accountDefaults: ResourceLimits;
  readonly accountCeiling: ResourceLimits;
}

export const DEFAULT_LIMITS_CONFIG: CompiledLimitsConfig = { required: false, serviceDefaults: NO_LIMITS, serviceCeiling: NO_LIMITS, accountDefaults: NO_LIMITS, accountCeiling: NO_LIMITS };

const SETS = ["service_defaults", "service_ceiling", "account_defaults", "account_ceiling"] as const;
/** Keys of the host configuration's limits section; each set takes the LIMIT_FIELDS. */
export const LIMITS_SETTINGS = ["required", ...SETS] as const;

function compileSet(section: ConfigSection): ResourceLimits {
  section.rejectUnknown(LIMIT_FIELDS);
  const errors: { field: string; rule: string }[] = [];
  const limits = compileResourceLimits(section.input, errors);
  for (const error of errors) section.fail(error.field, error.rule);
  return limits;
}

export function compileLimitsConfig(section: ConfigSection): CompiledLimitsConfig {
  section.rejectUnknown(LIMITS_SETTINGS);
  return {
    required: section.boolean("required", false),
    serviceDefaults: compileSet(section.section("service_defaults")),
    serviceCeiling: compileSet(section.section("service_ceiling")),
    accountDefaults: compileSet(section.section("account_defaults")),
    accountCeiling: compileSet(section.section("account_ceiling")),
  };
}

/** What a service and its account actually get on this host. */
export function hostEffectiveLimits(config: CompiledLimitsConfig, service: ResourceLimits, account: ResourceLimits): { readonly service: ResourceLimits; readonly account: ResourceLimits } {
  return {
    service: effectiveLimits(service, config.serviceDefaults, config.serviceCeiling),
    account: effectiveLimits(account, config.accountDefaults, config.accountCeiling),
  };
}
