// An in-memory ProcessDriver for supervision logic tests: processes are records, time is the
// injected clock, and each unit can be told to fail to start, exit, ignore signals or daemonise.
import { PassThrough } from "node:stream";
import type { ProcessSnapshot } from "@vigil/shared";
import type { Clock } from "../runtime/clock.js";
import type {
  ExitStatus,
  LaunchedProcess,
  LaunchRequest,
  LeftoverUnit,
  ProcessDriver,
  ProcessTracking,
  StartFailure,
} from "./process-driver.js";

/** How the processes of one launch behave. The default runs until signalled. */
export interface FakeBehaviour {
  /** The launch rejects with this. */
  readonly startFailure?: StartFailure;
  /** The main process exits on its own this long after the start, with exitCode or exitSignal. */
  readonly exitAfterMs?: number;
  readonly exitCode?: number;
  readonly exitSignal?: string;
  /** Signals every process of the launch ignores (only SIGKILL cannot be ignored). */
  readonly ignoreSignals?: readonly string[];
  /** Children that keep running when the main process exits: a daemonising command. */
  readonly children?: number;
  /** Written to the output right after the start. */
  readonly output?: readonly string[];
}

/** Signals after which a process (that does not ignore them) ends. */
const ENDING_SIGNALS = new Set(["SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGABRT", "SIGUSR2"]);

interface FakeProcess {
  readonly pid: number;
  readonly main: boolean;
  alive: boolean;
}

export interface FakeUnit {
  readonly request: LaunchRequest;
  readonly tracking: ProcessTracking;
  readonly processes: FakeProcess[];
  readonly behaviour: FakeBehaviour;
  readonly output: PassThrough;
  exit: ExitStatus | null;
  resolveExit: (status: ExitStatus) => void;
  readonly emptyWaiters: Set<() => void>;
}

export interface SentSignal {
  readonly unit: string;
  readonly pid: number | "all";
  readonly signal: string;
}

export class FakeProcessDriver implements ProcessDriver {
  private nextPid = 1000;
  private readonly behaviours = new Map<string, (launchIndex: number) => FakeBehaviour>();
  private readonly units = new Map<string, FakeUnit>();
  /** Every launch request, in order, including refused ones. */
  readonly launches: LaunchRequest[] = [];
  readonly signals: SentSignal[] = [];
  readonly released: ProcessTracking[] = [];
  private leftovers: LeftoverUnit[] = [];

  constructor(private readonly clock: Clock) {}

  /** Sets how launches of `unit` behave; a function receives the 0-based launch index of that unit. */
  behave(unit: string, behaviour: FakeBehaviour | ((launchIndex: number) => FakeBehaviour)): void {
    this.behaviours.set(unit, typeof behaviour === "function" ? behaviour : () => behaviour);
  }

  launchCount(unit: string): number {
    return this.launches.filter((request) => request.unit === unit).length;
  }

  /** The latest launch of a unit. */
  unit(unit: string): FakeUnit | undefined {
    return [...this.units.values()].filter((u) => u.request.unit === unit).at(-1);
  }

  /** Pids alive in the latest launch of a unit. */
  alivePids(unit: string): number[] {
    return this.unit(unit)?.processes.filter((p) => p.alive).map((p) => p.pid) ?? [];
  }

  /** Every live process of every launch whose unit matches: for "runs exactly once" assertions. */
  aliveCount(unit: string): number {
    return [...this.units.values()].filter((u) => u.request.unit === unit).reduce((n, u) => n + u.processes.filter((p) => p.alive).length, 0);
  }

  /** Ends the main process of a unit's latest launch as if it crashed (children remain). */
  crash(unit: string, status: { code?: number; signal?: string } = { code: 1 }): void {
    const found = this.unit(unit);
    const main = found?.processes.find((p) => p.main && p.alive);
    if (found && main) this.end(found, main, status.signal ?? null, status.code ?? null);
  }

  /** Processes that a previous agent run left behind; findLeftovers reports them. */
  seedLeftover(unit: string, count = 1): LeftoverUnit {
    const request: LaunchRequest = { unit, command: "(previous run)", cwd: "/", env: {}, user: null };
    const launched = this.spawnUnit(request, { children: count - 1 });
    const leftover = { unit, tracking: launched.tracking, pids: launched.processes.map((p) => p.pid) };
    this.leftovers.push(leftover);
    return leftover;
  }

  async launch(request: LaunchRequest): Promise<LaunchedProcess> {
    const index = this.launchCount(request.unit);
    this.launches.push(request);
    const behaviour = this.behaviours.get(request.unit)?.(index) ?? {};
    if (behaviour.startFailure) throw behaviour.startFailure;
    const launched = this.spawnUnit(request, behaviour);
    const main = launched.processes[0]!;
    const exited = new Promise<ExitStatus>((resolve) => (launched.resolveExit = resolve));
    for (const line of behaviour.output ?? []) launched.output.write(`${line}\n`);
    if (behaviour.exitAfterMs !== undefined) {
      this.clock.setTimer(behaviour.exitAfterMs, () => {
        if (main.alive) this.end(launched, main, behaviour.exitSignal ?? null, behaviour.exitSignal ? null : (behaviour.exitCode ?? 0));
      });
    }
    return { pid: main.pid, tracking: launched.tracking, startedAt: this.clock.now(), output: launched.output, exited };
  }

  signalProcess(pid: number, signal: string): void {
    for (const unit of this.units.values()) {
      const process = unit.processes.find((p) => p.pid === pid && p.alive);
      if (process) {
        this.signals.push({ unit: unit.request.unit, pid, signal });
        this.deliver(unit, process, signal);
      }
    }
  }

  async signalAll(tracking: ProcessTracking, signal: string): Promise<void> {
    const unit = this.byTracking(tracking);
    if (!unit) return;
    this.signals.push({ unit: unit.request.unit, pid: "all", signal });
    for (const process of unit.processes.filter((p) => p.alive)) this.deliver(unit, process, signal);
  }

  async killAll(tracking: ProcessTracking): Promise<void> {
    await this.signalAll(tracking, "SIGKILL");
  }

  async listPids(tracking: ProcessTracking): Promise<number[]> {
    return this.byTracking(tracking)?.processes.filter((p) => p.alive).map((p) => p.pid) ?? [];
  }

  waitEmpty(tracking: ProcessTracking, timeoutMs: number): Promise<boolean> {
    const unit = this.byTracking(tracking);
    if (!unit || unit.processes.every((p) => !p.alive)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        timer.cancel();
        unit.emptyWaiters.delete(done);
        resolve(true);
      };
      const timer = this.clock.setTimer(timeoutMs, () => {
        unit.emptyWaiters.delete(done);
        resolve(false);
      });
      unit.emptyWaiters.add(done);
    });
  }

  async inspect(tracking: ProcessTracking): Promise<ProcessSnapshot[]> {
    const unit = this.byTracking(tracking);
    if (!unit) return [];
    const mainPid = unit.processes[0]!.pid;
    return unit.processes
      .filter((p) => p.alive)
      .map((p) => ({ pid: p.pid, ppid: p.main ? 1 : mainPid, user: unit.request.user?.name ?? "agent", command: unit.request.command, cpuPercent: 0, rssBytes: 4096 }));
  }

  async release(tracking: ProcessTracking): Promise<void> {
    const unit = this.byTracking(tracking);
    if (unit && unit.processes.some((p) => p.alive)) throw new Error(`unit ${unit.request.unit} still has processes`);
    this.released.push(tracking);
  }

  async findLeftovers(): Promise<readonly LeftoverUnit[]> {
    const found = this.leftovers.filter((leftover) => this.byTracking(leftover.tracking)?.processes.some((p) => p.alive));
    this.leftovers = [];
    return found;
  }

  private spawnUnit(request: LaunchRequest, behaviour: FakeBehaviour): FakeUnit {
    const main: FakeProcess = { pid: this.nextPid++, main: true, alive: true };
    const children = Array.from({ length: behaviour.children ?? 0 }, (): FakeProcess => ({ pid: this.nextPid++, main: false, alive: true }));
    const unit: FakeUnit = {
      request,
      tracking: { kind: "process-group", pgid: main.pid },
      processes: [main, ...children],
      behaviour,
      output: new PassThrough(),
      exit: null,
      resolveExit: () => {},
      emptyWaiters: new Set(),
    };
    this.units.set(String(main.pid), unit);
    return unit;
  }

  private byTracking(tracking: ProcessTracking): FakeUnit | undefined {
    return tracking.kind === "process-group" ? this.units.get(String(tracking.pgid)) : undefined;
  }

  private deliver(unit: FakeUnit, process: FakeProcess, signal: string): void {
    const ignored = signal !== "SIGKILL" && (unit.behaviour.ignoreSignals ?? []).includes(signal);
    if (!ignored && ENDING_SIGNALS.has(signal)) this.end(unit, process, signal, null);
  }

  private end(unit: FakeUnit, process: FakeProcess, signal: string | null, code: number | null): void {
    process.alive = false;
    if (process.main) {
      unit.exit = { code, signal, at: this.clock.now() };
      unit.resolveExit(unit.exit);
    }
    if (unit.processes.every((p) => !p.alive)) {
      unit.output.end();
      for (const waiter of [...unit.emptyWaiters]) waiter();
    }
  }
}
