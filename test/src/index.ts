// Public surface of @vigil/test: the system-test harness (real processes, PostgreSQL, NATS and
// network namespaces), for other cross-process tests and benchmarks.
export type { AgentHost } from "./support/system-cluster.js";
export { SystemCluster } from "./support/system-cluster.js";
export { AdminApi } from "./support/admin-api.js";
export { AgentLinkProbe } from "./support/agent-link-probe.js";
export type { HostNetwork, TestNetwork } from "./support/network-namespaces.js";
export { createTestNetwork } from "./support/network-namespaces.js";
export { agentCgroupRoot, isAlive, netnsInode, pidsWithCommandLine, populatedUnits, servicePids } from "./support/service-processes.js";
export type { ProcessExit } from "./support/test-process.js";
export { TestProcess } from "./support/test-process.js";
export type { WaitOptions } from "./support/wait-for.js";
export { sleep, waitFor } from "./support/wait-for.js";
