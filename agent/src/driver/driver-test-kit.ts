// Test support only: a LinuxProcessDriver with its own cgroup subtree and state directory per test,
// and a cleanup that ends by cgroup or process group whatever the test started.
import { mkdtempSync, readdirSync, rmSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { cgroupPids, killCgroup } from "./cgroup-unit.js";
import { LinuxProcessDriver } from "./linux-process-driver.js";
import type { LinuxProcessDriverOptions } from "./driver-options.js";
import { pollUntil, signalPid } from "./signal-pids.js";

export interface DriverKit {
  readonly driver: LinuxProcessDriver;
  readonly stateDir: string;
  /** Another driver on the same state and cgroup subtree: the "next agent run". */
  reopen(): LinuxProcessDriver;
  /** Process groups a test started without cgroups, ended by cleanup(). */
  trackGroup(pgid: number): void;
  cleanup(): Promise<void>;
}

let counter = 0;

export function createDriverKit(options: Partial<LinuxProcessDriverOptions> = {}): DriverKit {
  const stateDir = mkdtempSync(join(tmpdir(), "vigil-driver-"));
  const instance = `test-${process.pid}-${(counter += 1)}`;
  const driverOptions: LinuxProcessDriverOptions = { stateDir, instance, ...options };
  const driver = new LinuxProcessDriver(driverOptions);
  const groups = new Set<number>();
  return {
    driver,
    stateDir,
    reopen: () => new LinuxProcessDriver(driverOptions),
    trackGroup: (pgid) => groups.add(pgid),
    async cleanup() {
      for (const pgid of groups) signalPid(-pgid, "SIGKILL");
      const root = driver.cgroupRoot;
      if (root !== null) {
        for (const entry of readdirSync(root, { withFileTypes: true })) {
          if (!entry.isDirectory()) continue;
          const path = join(root, entry.name);
          killCgroup(path);
          await pollUntil(() => cgroupPids(path).length === 0, 5000, 10);
          rmdirSync(path);
        }
        rmdirSync(root);
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Everything a stream produces until it ends, as text. */
export async function readOutput(output: Readable): Promise<string> {
  let text = "";
  for await (const chunk of output) text += String(chunk);
  return text;
}
