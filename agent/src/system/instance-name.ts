// Names an agent's cgroup subtree after its state directory, so agents (and `vigil up` instances)
// with different state directories never see, adopt or end each other's services.
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";

/** "a" and 12 hex digits of the state directory's real path: stable across restarts, distinct per directory. */
export function cgroupInstanceFor(stateDir: string): string {
  let path = stateDir;
  try {
    path = realpathSync(stateDir);
  } catch {
    // Not created yet: the path as given still names it.
  }
  return `a${createHash("sha256").update(path).digest("hex").slice(0, 12)}`;
}
