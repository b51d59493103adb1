// The plan of `vigil apply` (pure): the diff between the services a file wants and those the
// account has, in named buckets — create, update (with the fields that differ), delete (only
// with prune), unchanged. A separate applier carries it out.
import { type CompiledServiceSpec, LIMIT_FIELDS, type LimitField, limitInputFromProto, resourceLimitsToInput, type Service } from "@vigil/shared";
import { FILE_SERVICE_FIELDS, type FileServiceField } from "./services-file.js";

export type PlannedChange =
  | { readonly kind: "create"; readonly name: string; readonly spec: CompiledServiceSpec }
  | { readonly kind: "update"; readonly name: string; readonly spec: CompiledServiceSpec; readonly fields: readonly PlanField[] }
  | { readonly kind: "delete"; readonly name: string };

/** An update names the fields that differ, in the order of the design's field table. */
export const PLAN_FIELDS = FILE_SERVICE_FIELDS;
export type PlanField = FileServiceField;

export interface ApplyPlan {
  readonly changes: readonly PlannedChange[];
  /** Names of services that already match the file. */
  readonly unchanged: readonly string[];
  /** Services the account has that the file does not list and that stay (no prune). */
  readonly kept: readonly string[];
}

function sameEnvironment(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/** Compared in the input form, where an absent limit is simply not there. */
function limitDifferences(spec: CompiledServiceSpec, current: Service): Record<LimitField, boolean> {
  const filed = resourceLimitsToInput(spec.limits);
  const served: Partial<Record<LimitField, number>> = limitInputFromProto(current.limits);
  return Object.fromEntries(LIMIT_FIELDS.map((field) => [field, filed[field] !== served[field]])) as Record<LimitField, boolean>;
}

export function differingFields(spec: CompiledServiceSpec, current: Service): PlanField[] {
  const health = spec.healthCheck;
  const differs: Record<PlanField, boolean> = {
    command: spec.command !== current.command,
    working_directory: spec.workingDirectory !== current.workingDirectory,
    environment: !sameEnvironment(spec.environment, current.environment),
    check_health_command: (health?.command ?? "") !== current.checkHealthCommand,
    health_check_interval: health !== null && health.intervalMs !== current.healthCheckIntervalMs,
    health_check_timeout: health !== null && health.timeoutMs !== current.healthCheckTimeoutMs,
    health_check_grace_period: health !== null && health.graceMs !== current.healthCheckGraceMs,
    annotation: spec.annotation !== current.annotation,
    stop_signal: spec.stopSignal !== current.stopSignal,
    stop_timeout: spec.stopTimeoutMs !== current.stopTimeoutMs,
    is_disabled: spec.isDisabled !== current.isDisabled,
    ...limitDifferences(spec, current),
  };
  return PLAN_FIELDS.filter((field) => differs[field]);
}

export function planApply(desired: readonly CompiledServiceSpec[], current: readonly Service[], options: { readonly prune: boolean }): ApplyPlan {
  const currentByName = new Map(current.map((service) => [service.name, service]));
  const wanted = new Set(desired.map((spec) => spec.name));
  const changes: PlannedChange[] = [];
  const unchanged: string[] = [];
  for (const spec of desired) {
    const existing = currentByName.get(spec.name);
    if (!existing) {
      changes.push({ kind: "create", name: spec.name, spec });
      continue;
    }
    const fields = differingFields(spec, existing);
    if (fields.length === 0) unchanged.push(spec.name);
    else changes.push({ kind: "update", name: spec.name, spec, fields });
  }
  const absent = current.map((service) => service.name).filter((name) => !wanted.has(name)).sort();
  if (options.prune) for (const name of absent) changes.push({ kind: "delete", name });
  return { changes, unchanged, kept: options.prune ? [] : absent };
}

export function describeChange(change: PlannedChange): string {
  switch (change.kind) {
    case "create":
      return `create ${change.name}`;
    case "update":
      return `update ${change.name} (${change.fields.join(", ")})`;
    case "delete":
      return `delete ${change.name}`;
  }
}
