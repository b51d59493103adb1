// The agent's Prometheus metrics (prom-client), in a registry of its own per agent: services by state,
// restarts, crash-loop disables, launch latency, the outbox's depth and the link to the coordinator.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { SERVICE_STATES } from "@vigil/shared";
import { type DiskOutbox } from "../outbox/disk-outbox.js";
import { type HostSupervisor } from "../reconciler/host-supervisor.js";
import { CRASH_LOOP_REASON } from "../supervisor/restart-policy.js";

/** Launch latency buckets, seconds: a launch is a fork and exec into a cgroup, normally milliseconds. */
const LAUNCH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface AgentMetrics {
  readonly registry: Registry;
  /** One launch took this long, from the decision to start to the process running. */
  launched(latencyMs: number): void;
  /** Feeds the registry from the agent's supervision events and state; returns the unsubscribe function. */
  watch(agent: WatchedAgent): () => void;
}

/** What the metrics read at each scrape, and the supervisor whose events they count. */
export interface WatchedAgent {
  readonly supervisor: Pick<HostSupervisor, "onEvent" | "stateCounts">;
  readonly outbox: Pick<DiskOutbox, "pending">;
  /** Whether the AgentLink is up (welcomed) now. */
  readonly linkConnected: () => boolean;
}

export function createAgentMetrics(): AgentMetrics {
  const registry = new Registry();
  // Process CPU, memory, event-loop lag and handles of the agent itself.
  collectDefaultMetrics({ register: registry });
  let watched: WatchedAgent | undefined;
  new Gauge({
    name: "vigil_agent_services",
    help: "Services on this host by supervision state.",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const counts = watched?.supervisor.stateCounts();
      for (const state of SERVICE_STATES) this.set({ state }, counts?.[state] ?? 0);
    },
  });
  const restarts = new Counter({ name: "vigil_agent_service_restarts_total", help: "Services started again after a failure or on request.", registers: [registry] });
  const crashLoops = new Counter({ name: "vigil_agent_crash_loop_disables_total", help: "Services disabled because they crashed too often.", registers: [registry] });
  const events = new Counter({ name: "vigil_agent_service_events_total", help: "Supervision events by kind.", labelNames: ["kind"], registers: [registry] });
  const launches = new Histogram({ name: "vigil_agent_launch_duration_seconds", help: "From the decision to start a service to its process running.", buckets: LAUNCH_BUCKETS, registers: [registry] });
  new Gauge({
    name: "vigil_agent_outbox_depth",
    help: "Events on disk not yet accepted by the bus.",
    registers: [registry],
    collect() {
      this.set(watched?.outbox.pending() ?? 0);
    },
  });
  new Gauge({
    name: "vigil_agent_link_connected",
    help: "1 while the AgentLink to the coordinator is up (welcomed), else 0.",
    registers: [registry],
    collect() {
      this.set(watched?.linkConnected() === true ? 1 : 0);
    },
  });
  return {
    registry,
    launched: (latencyMs) => launches.observe(latencyMs / 1000),
    watch(agent) {
      watched = agent;
      return agent.supervisor.onEvent((event) => {
        events.inc({ kind: event.kind });
        if (event.kind === "restarting") restarts.inc();
        if (event.kind === "disabled" && event.reason === CRASH_LOOP_REASON) crashLoops.inc();
      });
    },
  };
}
