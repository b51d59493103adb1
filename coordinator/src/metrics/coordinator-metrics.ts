// The coordinator's Prometheus metrics (prom-client), in a registry of its own per coordinator:
// AgentLink sessions, hosts up/down, services by state (from the store at each scrape), restarts and
// crash-loop disables as recorded, ingest lag, and API requests by method and code.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { type ServiceEvent, SERVICE_STATUS_STATES } from "@vigil/shared";
import { type AgentReportRecorder, CRASH_LOOP_REASON } from "../control/record-agent-reports.js";
import { type AgentLinkHub } from "../link/agent-link-hub.js";
import { type Store } from "../store/open-store.js";
import { countHostsByState, countServicesByState } from "../store/repositories/state-counts.js";
import { HOST_STATES } from "../store/vocabulary.js";

/** Ingest lag buckets, seconds: normally milliseconds; minutes after an outage drained from the bus. */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export interface CoordinatorMetrics {
  /** The registry /metrics serves; other parts (an HTTP API) may register their own metrics in it. */
  readonly registry: Registry;
  /**
   * Counts one API request. `api` names the interface ("admin-grpc", "http"), `method` the call
   * ("ListServices", "GET /v1/services"), `code` its outcome ("OK", "NOT_FOUND", "200").
   */
  apiRequest(api: string, method: string, code: string): void;
  /** Feeds the registry from a running coordinator's parts; returns the unsubscribe function. */
  watch(coordinator: WatchedCoordinator): () => void;
}

export interface WatchedCoordinator {
  readonly store: Pick<Store, "db">;
  readonly link: Pick<AgentLinkHub, "connectedHosts">;
  readonly recorder: Pick<AgentReportRecorder, "onEvent">;
}

export function createCoordinatorMetrics(): CoordinatorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let watched: WatchedCoordinator | undefined;
  new Gauge({
    name: "vigil_coordinator_agent_link_sessions",
    help: "Agents connected to this coordinator over AgentLink.",
    registers: [registry],
    collect() {
      this.set(watched?.link.connectedHosts().length ?? 0);
    },
  });
  new Gauge({
    name: "vigil_coordinator_hosts",
    help: "Registered hosts by liveness state (up, down).",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      await countInto(this, HOST_STATES, watched && (() => countHostsByState(watched!.store.db)));
    },
  });
  new Gauge({
    name: "vigil_coordinator_services",
    help: "Services by their last observed state (as stored; unknown while their host is down).",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      await countInto(this, SERVICE_STATUS_STATES, watched && (() => countServicesByState(watched!.store.db)));
    },
  });
  const restarts = new Counter({ name: "vigil_coordinator_service_restarts_total", help: "Service restarts recorded from agents' events.", registers: [registry] });
  const crashLoops = new Counter({ name: "vigil_coordinator_crash_loop_disables_total", help: "Crash-loop disables recorded from agents' events.", registers: [registry] });
  const ingestLag = new Histogram({
    name: "vigil_coordinator_ingest_lag_seconds",
    help: "From a service event's time on its agent to its commit in the store (negative clock skew counts as 0).",
    buckets: LAG_BUCKETS,
    registers: [registry],
  });
  const requests = new Counter({ name: "vigil_coordinator_api_requests_total", help: "API requests by interface, method and result code.", labelNames: ["api", "method", "code"], registers: [registry] });
  return {
    registry,
    apiRequest: (api, method, code) => requests.inc({ api, method, code }),
    watch(coordinator) {
      watched = coordinator;
      return coordinator.recorder.onEvent((event: ServiceEvent) => {
        ingestLag.observe(Math.max(0, Date.now() - event.atMs) / 1000);
        if (event.kind === "restarting") restarts.inc();
        if (event.kind === "disabled" && event.reason === CRASH_LOOP_REASON) crashLoops.inc();
      });
    },
  };
}

/** Sets one series per state from `count`; a failed count (database unreachable) leaves the gauge empty rather than stale. */
async function countInto(gauge: Gauge, states: readonly string[], count: (() => Promise<Map<string, number>>) | undefined): Promise<void> {
  gauge.reset();
  if (count === undefined) return;
  const counts = await count().catch(() => undefined);
  if (counts === undefined) return;
  for (const state of states) gauge.set({ state }, counts.get(state) ?? 0);
}
