// @vigil/coordinator/metrics: the coordinator's Prometheus registry. A subpath of its own, so
// prom-client is loaded only by a coordinator started with a metrics listener.
export type { CoordinatorMetrics, WatchedCoordinator } from "./coordinator-metrics.js";
export { createCoordinatorMetrics } from "./coordinator-metrics.js";
