// Public surface of @vigil/coordinator.
// Application layer (control plane): shared by the Admin API and AgentLink.
export type { CreateServiceRequest, ControlPlaneOptions, LogChunk, ServiceListFilter } from "./control/control-plane.js";
export { ControlPlane, DEFAULT_COMMAND_TIMEOUT_MS, USER_DISABLED_REASON } from "./control/control-plane.js";
export type { ControlErrorCode } from "./control/control-errors.js";
export { asControlErrors, CONTROL_ERROR_CODES, CONTROL_ERROR_GRPC_STATUS, ControlError, HostUnavailableError, InvalidArgumentError, toControlError } from "./control/control-errors.js";
export type { AgentAction, AgentCommands, DesiredStateNotifier } from "./control/control-ports.js";
export type { ServiceView } from "./control/service-view.js";
export { liveState } from "./control/service-view.js";
export type { PlacementDecision, PlacementHost, PlacementReason, PlacementRequest } from "./placement/place-account.js";
export { PLACEMENT_REASONS, placeAccountService } from "./placement/place-account.js";
export type { AgentReportRecorderOptions, RecordedEventListener } from "./control/record-agent-reports.js";
export { AgentReportRecorder, CRASH_LOOP_REASON } from "./control/record-agent-reports.js";
export type { AckListener, AgentLinkHubOptions } from "./link/agent-link-hub.js";
export { AgentLinkHub } from "./link/agent-link-hub.js";
export type { LinkEventOutcome } from "./link/link-event-source.js";
export { checkEventAuthority, LinkEventSource } from "./link/link-event-source.js";
export { AGENT_LINK_SERVER_OPTIONS } from "./link/keepalive.js";
export type { LivenessOptions } from "./liveness/liveness-monitor.js";
export { DEFAULT_HOST_TIMEOUT_MS, LivenessMonitor } from "./liveness/liveness-monitor.js";
export type { CoordinatorOptions, RunningCoordinator } from "./runtime/start-coordinator.js";
export { startCoordinator } from "./runtime/start-coordinator.js";
// Store: schema, migrations, repositories (PostgreSQL and PGlite).
export type { Db, StoreSchema } from "./store/db.js";
export { queryRows } from "./store/db.js";
export type { StoreErrorCode } from "./store/errors.js";
export { AlreadyExistsError, ConflictError, NotFoundError, PortExhaustedError, STORE_ERROR_CODES, StoreError } from "./store/errors.js";
export type { Store, StoreBackend, StoreOptions } from "./store/open-store.js";
export { openStore, STORE_BACKENDS, storeOnPglite } from "./store/open-store.js";
export type { Cloud, DesiredState, FirewallAction, FirewallDirection, FirewallProtocol, HostPool, HostState, IpVersion, TokenScope } from "./store/vocabulary.js";
export { CLOUDS, DESIRED_STATES, FIREWALL_ACTIONS, FIREWALL_DIRECTIONS, FIREWALL_PROTOCOLS, HOST_POOLS, HOST_STATES, IP_VERSIONS, PORT_RANGE, TOKEN_SCOPES } from "./store/vocabulary.js";
export type { AccountDefaults, AccountInput, AccountRecord } from "./store/repositories/accounts.js";
export { createAccount, findAccount, getAccount, listAccounts, updateAccountDefaults } from "./store/repositories/accounts.js";
export type { HostDesiredState } from "./store/repositories/desired-state.js";
export { getHostDesiredState, getHostRevision } from "./store/repositories/desired-state.js";
export type { EventFilter, EventRecord, RecordedEvent, RetentionPolicy, ServiceEventInput } from "./store/repositories/events.js";
export { DEFAULT_EVENT_LIMIT, listEvents, MAX_EVENT_LIMIT, pruneEvents, recordServiceEvent } from "./store/repositories/events.js";
export type { FirewallRuleInput, FirewallRuleRecord } from "./store/repositories/firewall.js";
export { createFirewallRule, deleteFirewallRule, listFirewallRules } from "./store/repositories/firewall.js";
export type { AgentHello, HostRecord, HostRegistration } from "./store/repositories/hosts.js";
export { getHost, listHosts, markHostSeen, markHostsDown, registerHost, setHostCordoned, upsertHostOnHello } from "./store/repositories/hosts.js";
export type { PortAllocationRecord, PortRequest } from "./store/repositories/ports.js";
export { allocatePort, allocatePorts, listPorts, releasePort } from "./store/repositories/ports.js";
export { disableService, enableService, setDesiredState, setPlacement } from "./store/repositories/service-changes.js";
export type { ServiceRecord, ServiceRef } from "./store/repositories/service-rows.js";
export type { CreateServiceInput, ServiceFilter } from "./store/repositories/services.js";
export { createService, deleteService, findService, getService, listServices, updateService } from "./store/repositories/services.js";
export type { ExitRecord, ServiceStatusRecord, StatusDetails, StatusReport } from "./store/repositories/status.js";
export { applyStatus, getServiceStatus, listServiceStatuses, markHostServicesUnknown, reportServiceStatus } from "./store/repositories/status.js";
export type { IssuedToken, TokenIdentity, TokenInput, TokenRecord } from "./store/repositories/tokens.js";
export { createToken, hashToken, listTokens, revokeToken, verifyToken } from "./store/repositories/tokens.js";
// Store test helpers, for the tests of other packages (a fresh database per test).
export type { TestDatabase } from "./store/testing/test-database.js";
export { createTestDatabase, testPostgresAdminUrl } from "./store/testing/test-database.js";
export type { TestStoreBackend, TestStoreOptions } from "./store/testing/test-stores.js";
export { testStoreBackends, withTestStore } from "./store/testing/test-stores.js";
export { sampleAccount, sampleSpec } from "./store/testing/fixtures.js";
// Status-event ingestion: the durable JetStream consumer (the handler that writes the store is the caller's).
export type { NatsEventSourceOptions } from "./ingest/nats-event-consumer.js";
export { NatsEventSource } from "./ingest/nats-event-consumer.js";
export { ensureEventConsumer, ensureEventStream } from "./ingest/event-stream-setup.js";
// Admin API (operator and platform gRPC service) and its loopback test harness.
export type { AdminDeps, AdminRegistration } from "./api/admin-server.js";
export { ADMIN_MAX_REQUEST_BYTES, registerAdminService } from "./api/admin-server.js";
export type { AdminRpc, RpcAccess } from "./api/rpc-policy.js";
export { ADMIN_RPC_ACCESS } from "./api/rpc-policy.js";
export type { AdminTestClient, AdminTestServer, AdminTestTokens } from "./api/testing/admin-test-server.js";
export { startAdminTestServer, TEST_HOST, withDefaults } from "./api/testing/admin-test-server.js";
export { ScriptedAgents } from "./api/testing/scripted-agents.js";
