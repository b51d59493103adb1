// The writes behind update, delete, start/stop and enable/disable; each returns where the service
// is placed so the caller can push the host's new desired state after the commit.
import { type CompiledServiceSpec, compileServiceUpdate, sameSpec, type ServiceSpecPatch, type UntrustedInput, updateNeedsRestart } from "@vigil/shared";
import { type Db } from "../store/db.js";
import { type Store } from "../store/open-store.js";
import { InvalidArgumentError } from "./control-errors.js";
import { disableService, enableService, setDesiredState } from "../store/repositories/service-changes.js";
import { type ServiceRecord, type ServiceRef } from "../store/repositories/service-rows.js";
import { ConflictError } from "../store/errors.js";
import { deleteService, getService, lockService, updateService } from "../store/repositories/services.js";
import { type DesiredState } from "../store/vocabulary.js";

/** What an update did: `changed` is false when the patch left the spec as it was (no new revision). */
export interface PatchOutcome {
  readonly service: ServiceRecord;
  readonly changed: boolean;
  /** The running service must restart for the change to apply (false when only live-applied fields changed). */
  readonly restartRequired: boolean;
}

/**
 * Read, compile and write in one transaction with the service's row locked, so concurrent partial
 * updates apply one after the other and none is lost. With `expectedRevision`, a service whose
 * revision moved on is refused (FAILED_PRECONDITION naming `expected_revision`) and nothing changes.
 */
export async function applySpecPatch(store: Store, ref: ServiceRef, patch: ServiceSpecPatch | UntrustedInput, expectedRevision: number | undefined, disabledReason: string): Promise<PatchOutcome> {
  return store.transaction(async (tx) => {
    await lockService(tx, ref);
    const current = await getService(tx, ref);
    if (expectedRevision !== undefined && current.revision !== expectedRevision) {
      throw new ConflictError("expected_revision", `service ${ref.account}/${ref.name} is at revision ${current.revision}, not ${expectedRevision}: read it again and retry`);
    }
    const compiled = compileServiceUpdate(current.spec, patch);
    if (!compiled.ok) throw new InvalidArgumentError(compiled.errors);
    // Nothing changes: no new revision, so no agent is told to look again.
    if (sameSpec(compiled.value, current.spec)) return { service: current, changed: false, restartRequired: false };
    return { service: await writeSpec(tx, current, compiled.value, disabledReason), changed: true, restartRequired: updateNeedsRestart(current.spec, compiled.value) };
  });
}

/** Replaces the spec; a change of is_disabled goes through disable/enable so the reason is kept right. */
async function writeSpec(tx: Db, current: ServiceRecord, spec: CompiledServiceSpec, disabledReason: string): Promise<ServiceRecord> {
  const ref = { account: current.account, name: current.spec.name };
  const updated = await updateService(tx, ref, { ...spec, isDisabled: current.spec.isDisabled });
  if (spec.isDisabled === current.spec.isDisabled) return updated;
  return spec.isDisabled ? disableService(tx, ref, disabledReason) : enableService(tx, ref);
}

export async function applyDesiredState(store: Store, ref: ServiceRef, state: DesiredState): Promise<ServiceRecord> {
  return setDesiredState(store.db, ref, state);
}

/** `reason` null enables the service; a string disables it with that reason. */
export async function applyDisabled(store: Store, ref: ServiceRef, reason: string | null): Promise<ServiceRecord> {
  return reason === null ? enableService(store.db, ref) : disableService(store.db, ref, reason);
}

/** Deletes the service; returns the host it was placed on. */
export async function deleteServiceRow(store: Store, ref: ServiceRef): Promise<string | null> {
  return store.transaction(async (tx) => {
    const { host } = await getService(tx, ref);
    await deleteService(tx, ref);
    return host;
  });
}
