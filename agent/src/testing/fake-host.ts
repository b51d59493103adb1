// A HostSupervisor wired to the fake driver, a memory log and a fake clock, with the helpers logic
// tests need: recorded events per service, short host thresholds, no jitter.
import { compileHostConfig, type CompiledHostConfig, type DesiredServiceSpec } from "@vigil/shared";
import { FakeProcessDriver } from "../driver/fake-process-driver.js";
import type { SupervisionEvent } from "../events/service-event.js";
import { HostSupervisor } from "../reconciler/host-supervisor.js";
import type { ServiceHistoryStore } from "../supervisor/service-history.js";
import { FakeClock, settle } from "../runtime/fake-clock.js";
import { MemoryServiceLogFactory } from "./memory-service-log.js";

export interface FakeHost {
  readonly clock: FakeClock;
  readonly driver: FakeProcessDriver;
  readonly logs: MemoryServiceLogFactory;
  readonly host: HostSupervisor;
  readonly config: CompiledHostConfig;
  readonly events: SupervisionEvent[];
  readonly errors: unknown[];
  /** Event kinds of one service ("account/name"), in order. */
  kinds(key: string): string[];
  /** apply() while advancing the fake clock, for plans that wait on stop timeouts. */
  applyAndWait(desired: DesiredServiceSpec[], advanceMs?: number): Promise<void>;
}

/** beforeStart arranges the driver before HostSupervisor.start(), e.g. to seed a previous run's leftovers. */
/** `history`: where restart counts and failure histories are kept across "agent restarts" (default: nowhere). */
export function fakeHost(configInput: Record<string, unknown> = {}, beforeStart: (driver: FakeProcessDriver) => void = () => {}, history?: ServiceHistoryStore): FakeHost {
  const compiled = compileHostConfig({ restart_policy: { jitter_fraction: 0 }, ...configInput });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const config = compiled.value;
  const clock = new FakeClock();
  const driver = new FakeProcessDriver(clock);
  const logs = new MemoryServiceLogFactory();
  const events: SupervisionEvent[] = [];
  const errors: unknown[] = [];
  const host = new HostSupervisor({ driver, logs, config, clock, random: () => 0.5, runAs: "account-user", onError: (error) => errors.push(error), ...(history && { history }) });
  host.onEvent((event) => events.push(event));
  beforeStart(driver);
  void host.start();
  return {
    clock,
    driver,
    logs,
    host,
    config,
    events,
    errors,
    kinds: (key) => events.filter((event) => `${event.account}/${event.service}` === key).map((event) => event.kind),
    async applyAndWait(desired, advanceMs = 60_000) {
      const applied = host.apply(desired);
      await settle();
      await clock.advance(advanceMs);
      await applied;
    },
  };
}
