// A host's passage between up and down as operators read it in `vigil events`: `host-down` when
// liveness gives up on it, `host-up` when its agent is heard from again (hello or heartbeat).
import { type Db } from "../store/db.js";
import { recordHostEvent } from "../store/repositories/events.js";
import { markHostSeen } from "../store/repositories/hosts.js";

/** The host was heard from at `at`; records `host-up` if it was down until then. */
export async function hostHeardFrom(db: Db, host: string, at: Date, how: string): Promise<void> {
  if (await markHostSeen(db, host, at)) await recordHostEvent(db, { host, kind: "host-up", at, message: `back up: ${how}` });
}

/** Records that a hello brought the host up (the caller saw it down, or new, before). */
export async function recordHostUp(db: Db, host: string, at: Date, message: string): Promise<void> {
  await recordHostEvent(db, { host, kind: "host-up", at, message });
}
