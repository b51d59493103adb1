// Test support only: a minimal agent process (HostSupervisor on the real driver) for the agent-crash
// test. Args: <stateDir> <cgroupRoot|none> <desired.json>. Prints one JSON status line when applied.
// SIGTERM stops every service; SIGINT leaves them running for the next run to adopt.
import { readFileSync } from "node:fs";
import { compileHostConfig, type DesiredServiceSpec } from "@vigil/shared";
import { LinuxProcessDriver } from "../driver/linux-process-driver.js";
import { FileServiceLogFactory } from "../logs/file-service-log-factory.js";
import { HostSupervisor } from "../reconciler/host-supervisor.js";

const [stateDir, cgroupRoot, desiredPath] = process.argv.slice(2);
if (stateDir === undefined || cgroupRoot === undefined || desiredPath === undefined) throw new Error("usage: agent-entry <stateDir> <cgroupRoot|none> <desired.json>");
const compiled = compileHostConfig({ state_dir: stateDir, stop_timeout_ms: 1_000 });
if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
const driver = new LinuxProcessDriver({ stateDir, cgroupRoot: cgroupRoot === "none" ? null : cgroupRoot });
const host = new HostSupervisor({ driver, logs: new FileServiceLogFactory(), config: compiled.value, runAs: "account-user" });
// Installed first, so a SIGTERM at any point (even during recovery) stops everything before exiting.
process.on("SIGTERM", () => {
  host.stopAll().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`stopAll failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
process.on("SIGINT", () => void host.detachAll().then(() => process.exit(0)));
// From here the agent is back: recovery, adoption and the restarts of what exited meanwhile.
const began = performance.now();
const recovered = await host.start();
const desired = JSON.parse(readFileSync(desiredPath, "utf8")) as DesiredServiceSpec[];
const { errors } = await host.apply(desired);
await host.idle();
const status = await host.status();
const services = status.map((s) => ({ key: s.key, pid: s.mainPid, restarts: s.restarts, state: s.state, lastExit: s.lastExit }));
const settledMs = Math.round(performance.now() - began);
process.stdout.write(`${JSON.stringify({ ended: recovered.ended, adoptable: recovered.adoptable, errors, services, settledMs })}\n`);
// Stay alive like an agent until killed.
setInterval(() => undefined, 60_000);
