// Vigil under test: the agent library (HostSupervisor, LinuxProcessDriver, FileServiceLogFactory)
// in its own bundled Node process with a temp home and state dir, driven over IPC.
import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive } from "../proc/proc-info.js";
import { sleep } from "../proc/wait.js";
import type { HostReply, HostRequest, HostService, HostSetup } from "../vigil/host-protocol.js";
import { rotatedLogFiles } from "./log-files.js";
import type { SupervisorUnderTest } from "./supervisor-under-test.js";
import { type ServiceDef, shellQuote, workloadArgv } from "./workloads.js";

type Request = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, "id"> : never) : never;

export class VigilUnderTest implements SupervisorUnderTest {
  readonly name = "vigil" as const;
  private dir = "";
  private child: ChildProcess | null = null;
  private services: HostService[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (reply: HostReply) => void>();

  constructor(private readonly bundle: string) {}

  private get home(): string {
    return join(this.dir, "home");
  }

  async boot(services: readonly ServiceDef[]): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), "vigil-bench-vigil-"));
    mkdirSync(this.home, { mode: 0o750 });
    // `exec`: the workload replaces the shell, so its pid is the main pid Vigil tracks.
    this.services = services.map((service) => ({ name: service.name, command: `exec ${shellQuote(workloadArgv(service))}` }));
    const setup: HostSetup = { home: this.home, stateDir: join(this.dir, "state"), instance: `bench-${process.pid}-${Date.now()}` };
    const child = fork(this.bundle, [JSON.stringify(setup)], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
    this.child = child;
    const ready = new Promise<void>((resolve, reject) => {
      this.pending.set(0, () => resolve());
      child.once("exit", (code, signal) => reject(new Error(`the Vigil host process exited (${code ?? signal}) before it was ready`)));
    });
    child.on("message", (reply: HostReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
    await ready;
  }

  async startAll(): Promise<void> {
    await this.call({ op: "apply", services: this.services });
  }

  async stopAll(): Promise<void> {
    await this.call({ op: "stopAll" });
  }

  async gaveUp(name: string): Promise<boolean> {
    return (await this.call({ op: "states" })).states?.[name] === "disabled";
  }

  logFiles(name: string): string[] {
    return rotatedLogFiles(join(this.home, "admin", "logs", "services", `${name}.log`));
  }

  daemonPids(): number[] {
    return this.child?.pid === undefined ? [] : [this.child.pid];
  }

  /** Asks the host to stop everything and exit; SIGKILL by pid if it has not after 30 s. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined && isAlive(child.pid)) {
      await Promise.race([this.call({ op: "exit" }).catch(() => undefined), sleep(30_000)]);
      for (let i = 0; i < 200 && isAlive(child.pid); i += 1) await sleep(25);
      if (isAlive(child.pid)) child.kill("SIGKILL");
    }
    this.child = null;
    if (this.dir !== "") rmSync(this.dir, { recursive: true, force: true });
  }

  private call(request: Request): Promise<HostReply> {
    const child = this.child;
    if (!child) throw new Error("the Vigil host process is not running");
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => (reply.ok ? resolve(reply) : reject(new Error(`vigil host: ${request.op}: ${reply.error}`))));
      child.send({ id, ...request } as HostRequest);
    });
  }
}
