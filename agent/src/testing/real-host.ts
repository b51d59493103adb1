// Test support for integration tests with real processes: a HostSupervisor on the LinuxProcessDriver
// and file logs, a throwaway Unix user, short thresholds, polling helpers and a cleanup by cgroup.
import { readdirSync, readFileSync } from "node:fs";
import { compileHostConfig, type CompiledServiceSpec, type DesiredServiceSpec } from "@vigil/shared";
import { createDriverKit, type DriverKit } from "../driver/driver-test-kit.js";
import type { SupervisionEvent } from "../events/service-event.js";
import { FileServiceLogFactory } from "../logs/file-service-log-factory.js";
import { freshAccount } from "../logs/log-test-kit.js";
import { HostSupervisor, type ServiceStatus } from "../reconciler/host-supervisor.js";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { testSpec } from "./desired-fixtures.js";

/** Short thresholds so real-process tests finish in seconds. */
export const QUICK_CONFIG = {
  restart_policy: { backoff_base_ms: 300, backoff_cap_ms: 2_000, jitter_fraction: 0, max_failures: 3, failure_window_ms: 20_000, healthy_run_reset_ms: 5_000 },
  stop_timeout_ms: 1_000,
  health_check_grace_ms: 200,
};

export interface RealHost {
  readonly host: HostSupervisor;
  readonly kit: DriverKit;
  readonly user: TestUser;
  readonly events: SupervisionEvent[];
  readonly errors: unknown[];
  /** A service of the test user's account, in a fresh home. */
  desired(spec: Partial<CompiledServiceSpec>, ports?: number[]): DesiredServiceSpec;
  status(name: string): Promise<ServiceStatus>;
  /** Polls until the status of `name` satisfies the predicate. */
  waitForStatus(name: string, predicate: (status: ServiceStatus) => boolean, what: string, timeoutMs?: number): Promise<ServiceStatus>;
  waitForEvent(name: string, kind: string, timeoutMs?: number): Promise<SupervisionEvent>;
  cleanup(): Promise<void>;
}

export async function waitUntil<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000, stepMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export async function realHost(configInput: Record<string, unknown> = QUICK_CONFIG): Promise<RealHost> {
  const user = createTestUser();
  const kit = createDriverKit();
  const account = freshAccount(user);
  const compiled = compileHostConfig({ ...configInput, state_dir: kit.stateDir });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const events: SupervisionEvent[] = [];
  const errors: unknown[] = [];
  const host = new HostSupervisor({ driver: kit.driver, logs: new FileServiceLogFactory(), config: compiled.value, runAs: "account-user", onError: (error) => errors.push(error) });
  host.onEvent((event) => events.push(event));
  await host.start();
  const key = (name: string): string => `${account.name}/${name}`;
  const status = (name: string): Promise<ServiceStatus> => host.statusOf(key(name));
  return {
    host,
    kit,
    user,
    events,
    errors,
    desired: (spec, ports = [8300]) => ({ account, spec: testSpec({ stopTimeoutMs: 1_000, ...spec }), ports, disabledReason: "", desiredState: "running" }),
    status,
    waitForStatus: (name, predicate, what, timeoutMs) =>
      waitUntil(async () => {
        const current = await status(name);
        return predicate(current) ? current : undefined;
      }, `${name}: ${what}`, timeoutMs),
    waitForEvent: (name, kind, timeoutMs) => waitUntil(() => events.find((event) => event.service === name && event.kind === kind), `${name}: event ${kind}`, timeoutMs),
    async cleanup() {
      await host.stopAll();
      await kit.cleanup();
      user.remove();
    },
  };
}

/** Pids of every process on the host whose command line contains `marker`, wherever it runs. */
export function pidsWithMarker(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(marker)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

