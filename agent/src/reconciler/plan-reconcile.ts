// The reconciler's pure diff: what the host runs (by key, the desired spec it last applied) against
// what it should run, sorted into named buckets. A separate applier (HostSupervisor) executes it.
import { canonicalJson, type DesiredServiceSpec, launchFingerprint, serviceKey } from "@vigil/shared";

export interface ReconcilePlan {
  /** New services: started, or only made known when desired stopped (or disabled). */
  readonly start: readonly DesiredServiceSpec[];
  /** Keys of services no longer desired on this host: stopped and forgotten. */
  readonly stop: readonly string[];
  /** Same definition, desired state now stopped: stopped, and kept known (status, log, processes). */
  readonly halt: readonly DesiredServiceSpec[];
  /** Same definition, desired state now running: started again. */
  readonly resume: readonly DesiredServiceSpec[];
  /**
   * What the process is started with changed (command, directory, environment, ports, account
   * identity): the old run ends and the new definition runs, or only replaces it when desired stopped.
   */
  readonly restart: readonly DesiredServiceSpec[];
  /** Changes applied without a new process: is_disabled, annotation, health check, stop settings. */
  readonly updateInPlace: readonly DesiredServiceSpec[];
  /** Keys left exactly as they are (same process). */
  readonly unchanged: readonly string[];
}

export function desiredKey(desired: DesiredServiceSpec): string {
  return serviceKey(desired.account.name, desired.spec.name);
}

/** When the same key is desired twice, the later entry wins, as a later revision would. */
export function planReconcile(current: ReadonlyMap<string, DesiredServiceSpec>, desired: readonly DesiredServiceSpec[]): ReconcilePlan {
  const wanted = new Map(desired.map((entry) => [desiredKey(entry), entry]));
  const plan = {
    start: [] as DesiredServiceSpec[],
    stop: [] as string[],
    halt: [] as DesiredServiceSpec[],
    resume: [] as DesiredServiceSpec[],
    restart: [] as DesiredServiceSpec[],
    updateInPlace: [] as DesiredServiceSpec[],
    unchanged: [] as string[],
  };
  for (const [key, next] of wanted) {
    const previous = current.get(key);
    if (previous === undefined) plan.start.push(next);
    else if (launchFingerprint(previous) !== launchFingerprint(next)) plan.restart.push(next);
    else if (previous.desiredState !== next.desiredState) (next.desiredState === "stopped" ? plan.halt : plan.resume).push(next);
    else if (canonicalJson(previous) !== canonicalJson(next)) plan.updateInPlace.push(next);
    else plan.unchanged.push(key);
  }
  for (const key of current.keys()) {
    if (!wanted.has(key)) plan.stop.push(key);
  }
  return plan;
}
