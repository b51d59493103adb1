// The Vigil side of the bench, run as its own Node process: a HostSupervisor on the real
// LinuxProcessDriver and FileServiceLogFactory, services as root (the current user), driven over IPC.
import { rmdirSync } from "node:fs";
import { FileServiceLogFactory, HostSupervisor, LinuxProcessDriver } from "@vigil/agent";
import { compileHostConfig, compileServiceSpec, type DesiredServiceSpec, NO_LIMITS } from "@vigil/shared";
import { BENCH_ACCOUNT, type HostReply, type HostRequest, type HostService, type HostSetup } from "./host-protocol.js";

const setup = JSON.parse(process.argv[2] ?? "{}") as HostSetup;
const driver = new LinuxProcessDriver({ stateDir: setup.stateDir, instance: setup.instance });
const compiled = compileHostConfig({ state_dir: setup.stateDir });
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
// "agent-user": services run as the bench's own user (root), which an account may never be (uid 0).
const host = new HostSupervisor({ driver, logs: new FileServiceLogFactory(), config: compiled.value, runAs: "agent-user" });
const account = { name: BENCH_ACCOUNT, unixUser: "root", uid: 0, gid: 0, home: setup.home, environment: {}, languageVersions: {}, limits: NO_LIMITS };

/** Through the same compiler as the API's input, so the spec carries every production default. */
function desired(service: HostService): DesiredServiceSpec {
  const spec = compileServiceSpec({ name: service.name, command: service.command });
  if (!spec.ok) throw new Error(`${service.name}: ${JSON.stringify(spec.errors)}`);
  return { account, spec: spec.value, ports: [], disabledReason: "", desiredState: "running" };
}

async function states(): Promise<Record<string, string>> {
  return Object.fromEntries((await host.status()).map((status) => [status.service, status.state]));
}

/** Removes the (now empty) service cgroups and the subtree, as an agent shutdown would. */
function removeCgroups(): void {
  const root = driver.cgroupRoot;
  if (root === null) return;
  try {
    rmdirSync(root);
  } catch {
    // Unit cgroups are removed by release(); a non-empty root is reported by the bench's ledger.
  }
}

async function handle(request: HostRequest): Promise<Omit<HostReply, "id">> {
  switch (request.op) {
    case "apply": {
      const result = await host.apply(request.services.map(desired));
      return result.errors.length === 0 ? { ok: true } : { ok: false, error: result.errors.map((e) => `${e.key}: ${e.message}`).join("; ") };
    }
    case "stopAll":
      await host.stopAll();
      return { ok: true };
    case "states":
      return { ok: true, states: await states() };
    case "exit":
      await host.stopAll();
      removeCgroups();
      return { ok: true };
  }
}

await host.start();
process.on("message", (message: HostRequest) => {
  void handle(message)
    .catch((error: unknown) => ({ ok: false, error: String((error as Error)?.stack ?? error) }))
    .then((reply) => {
      process.send?.({ id: message.id, ...reply } satisfies HostReply);
      if (message.op === "exit") process.disconnect();
    });
});
process.send?.({ id: 0, ok: true } satisfies HostReply);
