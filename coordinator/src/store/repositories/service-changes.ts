// What users and the agent change about a service besides its spec: desired state, disabled
// with a reason, and placement. Each bumps revisions only when something actually changed.
import { eq, ne, or } from "drizzle-orm";
import { type Db } from "../db.js";
import { services } from "../tables/services.js";
import { type DesiredState } from "../vocabulary.js";
import { requireHostId } from "./hosts.js";
import { bumpHostRevisions } from "./revisions.js";
import { type ServiceRecord, type ServiceRef } from "./service-rows.js";
import { changeService, getService, matchRef, serviceNotFound } from "./services.js";

export async function setDesiredState(db: Db, ref: ServiceRef, desiredState: DesiredState): Promise<ServiceRecord> {
  return changeService(db, ref, { desiredState }, ne(services.desiredState, desiredState));
}

/** Disables the service: by a user ("user") or after a crash loop reported by its agent. */
export async function disableService(db: Db, ref: ServiceRef, reason: string): Promise<ServiceRecord> {
  return changeService(db, ref, { isDisabled: true, disabledReason: reason }, or(eq(services.isDisabled, false), ne(services.disabledReason, reason)));
}

export async function enableService(db: Db, ref: ServiceRef): Promise<ServiceRecord> {
  return changeService(db, ref, { isDisabled: false, disabledReason: "" }, eq(services.isDisabled, true));
}

/** Places the service on `host` (null: unplaced); both the old and the new host get a new revision. */
export async function setPlacement(db: Db, ref: ServiceRef, host: string | null): Promise<ServiceRecord> {
  return db.transaction(async (tx) => {
    const hostId = host === null ? null : await requireHostId(tx, host);
    const [before] = await tx.select({ hostId: services.hostId }).from(services).where(matchRef(tx, ref)).for("update");
    if (!before) throw serviceNotFound(ref);
    if (before.hostId === hostId) return getService(tx, ref);
    const moved = await changeService(tx, ref, { hostId });
    // After the move, so the old host's account addresses see the service gone.
    await bumpHostRevisions(tx, [before.hostId]);
    return moved;
  });
}
