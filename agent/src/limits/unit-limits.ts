// The driver's side of limits: which limit cgroups each launched unit has, so a launch joins them,
// a live update rewrites them, an exit reads their counters and a release removes them.
import type { LaunchLimits, LimitCounters } from "../driver/process-driver.js";
import { StartFailure } from "../driver/process-driver.js";
import { escapeUnit } from "../driver/unit-name.js";
import { LimitCgroups, type LimitedUnit } from "./limit-cgroups.js";
import type { LimitsMode } from "./limits-mode.js";

/** Services are the kernel's first choice when memory runs out; the agent lowers its own score (agent-oom-score). */
export const SERVICE_OOM_SCORE_ADJ = 500;

export class UnitLimits {
  private readonly cgroups: LimitCgroups;
  private readonly units = new Map<string, LimitedUnit>();

  constructor(
    readonly mode: LimitsMode,
    instance: string,
    private readonly required: boolean,
  ) {
    this.cgroups = new LimitCgroups(mode, instance);
  }

  /** The cgroups the launch must join; [] when it runs without limits. Throws StartFailure when limits are required but impossible. */
  prepare(key: string, unit: string, trackingPath: string | null, limits: LaunchLimits | undefined, adopting = false): readonly string[] {
    if (this.required && this.mode.mode === "none") {
      throw new StartFailure("spawn-failed", `unit ${unit} was not started: this host cannot enforce resource limits (${this.mode.detail}) and its configuration requires them`);
    }
    if (limits === undefined) return [];
    let limited: LimitedUnit | null;
    try {
      limited = this.cgroups.prepare(escapeUnit(limits.account), escapeUnit(unit), trackingPath, limits.accountLimits, limits.serviceLimits, adopting);
    } catch (error) {
      throw new StartFailure("spawn-failed", `unit ${unit} could not get its limit cgroups: ${(error as Error).message}`);
    }
    if (limited === null) return [];
    this.units.set(key, limited);
    return limited.join;
  }

  update(key: string, limits: LaunchLimits): void {
    const limited = this.units.get(key);
    if (limited) this.cgroups.writeAll(limited, limits.accountLimits, limits.serviceLimits);
  }

  counters(key: string): LimitCounters | null {
    const limited = this.units.get(key);
    return limited ? this.cgroups.counters(limited) : null;
  }

  cpuUsageNs(key: string): number | null {
    const limited = this.units.get(key);
    return limited ? this.cgroups.cpuUsageNs(limited) : null;
  }

  /** The instance's own directories, once every unit was released; still in use: left for the next run. */
  dispose(): void {
    this.cgroups.disposeInstance();
  }

  cpuThrottledPeriods(key: string): number | null {
    const limited = this.units.get(key);
    return limited ? this.cgroups.cpuThrottledPeriods(limited) : null;
  }

  release(key: string): void {
    const limited = this.units.get(key);
    this.units.delete(key);
    if (limited) this.cgroups.release(limited);
  }
}
