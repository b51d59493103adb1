// @vigil/agent/metrics: the agent's Prometheus registry. A subpath of its own, so prom-client is
// loaded only by an agent started with a metrics listener.
export type { AgentMetrics, WatchedAgent } from "./agent-metrics.js";
export { createAgentMetrics } from "./agent-metrics.js";
