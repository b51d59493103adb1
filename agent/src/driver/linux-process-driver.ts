// The real ProcessDriver for Linux: spawns services as their user in their own cgroup (or process
// group), signals, kills and observes every process of a unit, and finds a previous run's leftovers.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ProcessSnapshot } from "@vigil/shared";
import { SERVICE_OOM_SCORE_ADJ, UnitLimits } from "../limits/unit-limits.js";
import type { LimitsMode } from "../limits/limits-mode.js";
import { PasswdDatabase } from "../system/passwd.js";
import { readBootId, readProcStat } from "../system/proc-files.js";
import { cgroupPids, createCgroup, removeCgroup } from "./cgroup-unit.js";
import { type CompiledDriverOptions, compileDriverOptions, type LinuxProcessDriverOptions } from "./driver-options.js";
import { AdoptedExitWatcher } from "./adopted-exit.js";
import { buildLaunchArgv } from "./launch-command.js";
import { type LaunchRecord, LaunchRecords } from "./launch-records.js";
import { findLeftovers, type Leftover } from "./leftovers.js";
import { reopenOutputPipe } from "./output-pipe.js";
import { carryBeside, partialPath, removeOutputFiles } from "../logs/partial-carry.js";
import { type LaunchedProcess, type LaunchLimits, type LaunchRequest, type LeftoverUnit, type LimitCounters, type ProcessDriver, type ProcessTracking, StartFailure } from "./process-driver.js";
import { ProcessSampler } from "./process-sampler.js";
import { pollUntil, signalPid } from "./signal-pids.js";
import { describeEarlyExit, spawnWrapper } from "./spawn-launch.js";
import { checkLaunchable } from "./start-checks.js";
import { releaseAccountCgroup, unitCgroupPath } from "./unit-cgroup-path.js";
import { escapeUnit } from "./unit-name.js";
import { isTrackedEmpty, killTracked, releaseTracked, signalTracked, trackedPids, trackingKey } from "./unit-tracking.js";

/** How often adopted processes (not this process's children) are checked for their exit. */
const ADOPTED_EXIT_POLL_MS = 200;

export interface EndLeftoverOptions {
  /** First signal, so a service can shut down cleanly. Default SIGTERM. */
  readonly signal?: string;
  /** How long to wait after it before SIGKILL. Default 10 s. */
  readonly timeoutMs?: number;
}

export class LinuxProcessDriver implements ProcessDriver {
  private readonly options: CompiledDriverOptions;
  private readonly records: LaunchRecords;
  private readonly passwd = new PasswdDatabase();
  private readonly sampler = new ProcessSampler(this.passwd);
  /** Units launched (or adopted) by this instance, by tracking key: never reported as leftovers. */
  private readonly launched = new Map<string, { readonly unit: string; readonly pid: number; readonly outputPath?: string }>();
  /** Where services' output pipes keep their names while they run (see output-pipe.ts). */
  private readonly pipesDir: string;
  private readonly adoptedExits: AdoptedExitWatcher;

  private readonly limits: UnitLimits;

  constructor(options: LinuxProcessDriverOptions) {
    this.options = compileDriverOptions(options);
    this.records = new LaunchRecords(this.options.stateDir);
    this.pipesDir = join(this.options.stateDir, "pipes");
    mkdirSync(this.pipesDir, { recursive: true, mode: 0o700 });
    this.adoptedExits = new AdoptedExitWatcher(ADOPTED_EXIT_POLL_MS);
    this.limits = new UnitLimits(this.options.limitsMode, this.options.instance, this.options.requireLimits);
  }

  /** How this driver enforces limits, for host information. */
  get limitsMode(): LimitsMode {
    return this.limits.mode;
  }

  /** Where this driver's cgroups live; null when it tracks by process group. */
  get cgroupRoot(): string | null {
    return this.options.cgroupRoot;
  }

  async launch(request: LaunchRequest): Promise<LaunchedProcess> {
    await checkLaunchable(request, this.passwd, this.options);
    const cgroupPath = this.options.cgroupRoot === null ? null : unitCgroupPath(this.options.cgroupRoot, request.unit);
    if (cgroupPath !== null) this.prepareCgroup(cgroupPath, request.unit);
    // Keyed by the tracking cgroup, known before the spawn; a process-group unit has no limit cgroups.
    const limitKey = cgroupPath === null ? null : trackingKey({ kind: "cgroup", path: cgroupPath });
    const limitCgroups = limitKey === null ? [] : this.limits.prepare(limitKey, request.unit, cgroupPath, request.limits);
    const joins = { cgroups: limitCgroups, oomScoreAdj: SERVICE_OOM_SCORE_ADJ };
    const outputPath = join(this.pipesDir, `${escapeUnit(request.unit)}.fifo`);
    // A new run's output starts afresh: no half line of an earlier run of the unit carries into it.
    rmSync(partialPath(outputPath), { force: true });
    const wrapper = await spawnWrapper(buildLaunchArgv(request, cgroupPath, this.options, joins), request, this.options.stateDir, outputPath);
    const pid = wrapper.child.pid;
    const startedAt = Date.now();
    const tracking: ProcessTracking = cgroupPath === null ? { kind: "process-group", pgid: pid } : { kind: "cgroup", path: cgroupPath };
    // Recorded before anything else can fail, so even a crash right now leaves a findable trace.
    this.recordOrKill({
      version: 1,
      unit: request.unit,
      tracking,
      pid,
      pidStartTicks: readProcStat(pid)?.startTicks ?? 0,
      bootId: readBootId(),
      startedAt,
      specHash: request.specHash ?? null,
      outputPath,
    });
    this.launched.set(trackingKey(tracking), { unit: request.unit, pid, outputPath });
    const status = await wrapper.status;
    if (status !== "ready") {
      const failure = await describeEarlyExit(wrapper, status, request);
      await this.release(tracking).catch(() => undefined);
      throw failure;
    }
    return { pid, tracking, startedAt, output: wrapper.output, exited: wrapper.exited, carry: carryBeside(outputPath), outputPipe: { path: outputPath, fd: wrapper.outputFd } };
  }

  /**
   * Takes over a service a previous run launched (recorded in this boot, output pipe still there):
   * the same pid goes on, its output is read from where the previous run stopped, its limit cgroups
   * are taken back, and its exit is noticed by polling (it is not this process's child).
   */
  async adopt(leftover: LeftoverUnit, limits: LaunchLimits | undefined): Promise<LaunchedProcess | null> {
    const record = this.records.read(leftover.unit);
    if (record === null || record.outputPath === undefined || record.bootId !== readBootId()) return null;
    if (trackingKey(record.tracking) !== trackingKey(leftover.tracking)) return null;
    let reopened;
    try {
      reopened = reopenOutputPipe(record.outputPath);
    } catch {
      return null;
    }
    const key = trackingKey(record.tracking);
    this.launched.set(key, { unit: record.unit, pid: record.pid, outputPath: record.outputPath });
    if (record.tracking.kind === "cgroup") {
      try {
        this.limits.prepare(key, record.unit, record.tracking.path, limits, true);
      } catch {
        // The process runs on in whatever cgroups it joined; only live limit updates are lost to it.
      }
    }
    const exited = this.adoptedExits.exited(record.pid, record.pidStartTicks);
    const outputPipe = { path: record.outputPath, fd: reopened.fd };
    return { pid: record.pid, tracking: record.tracking, startedAt: record.startedAt, output: reopened.output, exited, carry: carryBeside(record.outputPath), outputPipe };
  }

  /** A launch nobody could find again after an agent crash must not run at all. */
  private recordOrKill(record: LaunchRecord): void {
    try {
      this.records.write(record);
    } catch (error) {
      killTracked(record.tracking);
      throw new StartFailure("spawn-failed", `unit ${record.unit} was not started: its launch record could not be written (${(error as Error).message})`);
    }
  }

  /** Reuses an empty cgroup of the unit, but never launches next to processes of an earlier launch. */
  private prepareCgroup(path: string, unit: string): void {
    try {
      createCgroup(path);
    } catch (error) {
      throw new StartFailure("spawn-failed", `unit ${unit} could not get its cgroup ${path}: ${(error as Error).message}`);
    }
    const remaining = cgroupPids(path);
    if (remaining.length > 0) {
      throw new StartFailure("spawn-failed", `unit ${unit} still has processes from an earlier launch (pids ${remaining.join(", ")}); end them before starting it again`);
    }
  }

  signalProcess(pid: number, signal: string): void {
    signalPid(pid, signal as NodeJS.Signals);
  }

  async signalAll(tracking: ProcessTracking, signal: string): Promise<void> {
    signalTracked(tracking, signal as NodeJS.Signals);
  }

  async killAll(tracking: ProcessTracking): Promise<void> {
    killTracked(tracking);
  }

  async listPids(tracking: ProcessTracking): Promise<number[]> {
    return trackedPids(tracking);
  }

  async waitEmpty(tracking: ProcessTracking, timeoutMs: number): Promise<boolean> {
    return pollUntil(() => isTrackedEmpty(tracking), timeoutMs, this.options.pollIntervalMs);
  }

  async inspect(tracking: ProcessTracking): Promise<ProcessSnapshot[]> {
    return this.sampler.sample(trackedPids(tracking));
  }

  /** Throws when processes remain: release only after waitEmpty resolved true. Also drops the unit's launch record. */
  async dispose(): Promise<void> {
    this.limits.dispose();
    if (this.options.cgroupRoot === null) return;
    try {
      removeCgroup(this.options.cgroupRoot);
    } catch {
      // Still holds a unit (a stop failed): left for the next run's leftover recovery to find.
    }
  }

  async updateLimits(tracking: ProcessTracking, limits: LaunchLimits): Promise<void> {
    this.limits.update(trackingKey(tracking), limits);
  }

  async limitCounters(tracking: ProcessTracking): Promise<LimitCounters | null> {
    return this.limitCountersNow(tracking);
  }

  limitCountersNow(tracking: ProcessTracking): LimitCounters | null {
    return this.limits.counters(trackingKey(tracking));
  }

  /** CPU time the unit used, in nanoseconds (v1 cpuacct or v2 cpu.stat); null without limit cgroups. */
  cpuUsageNs(tracking: ProcessTracking): number | null {
    return this.limits.cpuUsageNs(trackingKey(tracking));
  }

  /** Periods in which the unit's CPU maximum held it back; null without limit cgroups. */
  cpuThrottledPeriods(tracking: ProcessTracking): number | null {
    return this.limits.cpuThrottledPeriods(trackingKey(tracking));
  }

  async release(tracking: ProcessTracking): Promise<void> {
    releaseTracked(tracking);
    this.releaseAccount(tracking);
    const key = trackingKey(tracking);
    this.limits.release(key);
    const own = this.launched.get(key);
    this.launched.delete(key);
    if (own) {
      // Our own launch: its record is named by its unit. Reading every record here made each
      // release O(services), and stopping all of them quadratic (bench: 500 services).
      if (this.records.read(own.unit)?.pid === own.pid) {
        this.records.remove(own.unit);
        if (own.outputPath !== undefined) removeOutputFiles(own.outputPath);
      }
      return;
    }
    // A leftover of a previous run has no entry in `launched`; its record is found by tracking.
    for (const record of this.records.readAll()) {
      if (trackingKey(record.tracking) !== key) continue;
      this.records.remove(record.unit);
      if (record.outputPath !== undefined) removeOutputFiles(record.outputPath);
    }
  }

  private releaseAccount(tracking: ProcessTracking): void {
    if (tracking.kind === "cgroup" && this.options.cgroupRoot !== null) releaseAccountCgroup(this.options.cgroupRoot, tracking.path);
  }

  /** What a previous agent run left running; call before launching anything. */
  async findLeftovers(): Promise<Leftover[]> {
    return findLeftovers(this.records, this.options.cgroupRoot, new Set(this.launched.keys()));
  }

  /** Ends one leftover: its signal, SIGKILL after the timeout, then removes its cgroup and record. */
  async endLeftover(leftover: Leftover, options: EndLeftoverOptions = {}): Promise<void> {
    const { tracking } = leftover;
    signalTracked(tracking, (options.signal ?? "SIGTERM") as NodeJS.Signals);
    if (!(await this.waitEmpty(tracking, options.timeoutMs ?? 10_000))) {
      killTracked(tracking);
      if (!(await this.waitEmpty(tracking, 5_000))) throw new Error(`unit ${leftover.unit} still has processes after SIGKILL: ${trackedPids(tracking).join(", ")}`);
    }
    if (tracking.kind === "cgroup") removeCgroup(tracking.path);
    this.releaseAccount(tracking);
    if (this.records.read(leftover.unit)?.pid === leftover.record?.pid) {
      this.records.remove(leftover.unit);
      if (leftover.record?.outputPath !== undefined) removeOutputFiles(leftover.record.outputPath);
    }
  }
}
