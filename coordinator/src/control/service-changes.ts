// The writes behind update, delete, start/stop and enable/disable; each returns where the service
// is placed so the caller can push the host's new desired state after the commit.
import { type CompiledServiceSpec } from "@vigil/shared";
import { type Store } from "../store/open-store.js";
import { disableService, enableService, setDesiredState } from "../store/repositories/service-changes.js";
import { type ServiceRecord, type ServiceRef } from "../store/repositories/service-rows.js";
import { deleteService, getService, updateService } from "../store/repositories/services.js";
import { type DesiredState } from "../store/vocabulary.js";

/** Replaces the spec; a change of is_disabled goes through disable/enable so the reason is kept right. */
export async function applySpecUpdate(store: Store, current: ServiceRecord, spec: CompiledServiceSpec, disabledReason: string): Promise<ServiceRecord> {
  const ref = { account: current.account, name: current.spec.name };
  return store.transaction(async (tx) => {
    const updated = await updateService(tx, ref, { ...spec, isDisabled: current.spec.isDisabled });
    if (spec.isDisabled === current.spec.isDisabled) return updated;
    return spec.isDisabled ? disableService(tx, ref, disabledReason) : enableService(tx, ref);
  });
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
