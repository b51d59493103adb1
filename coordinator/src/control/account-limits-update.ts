// An account's limits from the Admin API: an update merges the present limits into the stored ones
// and removes those named, and no limit may go past the account ceiling that the hosts of the
// account's pool report (else the host would silently enforce less than the API accepted). Pure.
import { compileResourceLimits, type Compiled, type FieldError, LIMIT_FIELDS, type LimitField, limitInputFromProto, type ResourceLimits, resourceLimitsToInput, type UpdateAccountRequest } from "@vigil/shared";

/** The account ceiling one host reported, with what names it in an error. */
export interface ReportedCeiling {
  readonly host: string;
  readonly pool: string;
  readonly ceiling: Readonly<Record<string, number>>;
}

function isLimitField(name: string): name is LimitField {
  return (LIMIT_FIELDS as readonly string[]).includes(name);
}

/** One error per limit over the lowest ceiling reported for it, naming the field, the ceiling and where it comes from. */
export function limitsOverCeilings(limits: ResourceLimits, ceilings: readonly ReportedCeiling[], prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const given = resourceLimitsToInput(limits);
  for (const field of LIMIT_FIELDS) {
    const value = given[field];
    if (value === undefined) continue;
    const lowest = ceilings.filter((reported) => reported.ceiling[field] !== undefined).sort((a, b) => (a.ceiling[field] ?? 0) - (b.ceiling[field] ?? 0))[0];
    const max = lowest?.ceiling[field];
    if (lowest !== undefined && max !== undefined && value > max) {
      errors.push({ field: `${prefix}${field}`, rule: `must be at most ${max}: the account ceiling of the ${lowest.pool} pool (reported by host ${lowest.host})` });
    }
  }
  return errors;
}

/** The account's new limits: stored ones, changed by the present limits, less those removed; checked like a create. */
export function compileAccountLimitsUpdate(stored: Readonly<Record<string, number>>, request: UpdateAccountRequest, ceilings: readonly ReportedCeiling[]): Compiled<ResourceLimits> {
  const errors: FieldError[] = [];
  const changes = limitInputFromProto(request.limits);
  if (Object.keys(changes).length === 0 && request.removeLimits.length === 0) errors.push({ field: "limits", rule: "give at least one limit to change or remove" });
  const merged: Record<string, number> = { ...stored, ...changes };
  for (const name of request.removeLimits) {
    if (!isLimitField(name)) errors.push({ field: "remove_limits", rule: `${JSON.stringify(name)} is not a limit; limits are ${LIMIT_FIELDS.join(", ")}` });
    else if (name in changes) errors.push({ field: "remove_limits", rule: `${name} is both set and removed` });
    else delete merged[name];
  }
  const compileErrors: FieldError[] = [];
  const limits = compileResourceLimits(merged, compileErrors);
  errors.push(...compileErrors.map((error) => ({ field: `limits.${error.field}`, rule: error.rule })));
  if (errors.length === 0) errors.push(...limitsOverCeilings(limits, ceilings, "limits."));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: limits };
}
