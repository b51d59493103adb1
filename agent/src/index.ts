// Public surface of @vigil/agent.
// Supervision (desired state -> processes), its events and decisions.
export type { ApplyError, ApplyResult, HostSupervisorOptions, ServiceStatus } from "./reconciler/host-supervisor.js";
export { HostSupervisor } from "./reconciler/host-supervisor.js";
export type { ReconcilePlan } from "./reconciler/plan-reconcile.js";
export { desiredKey, planReconcile } from "./reconciler/plan-reconcile.js";
export type { RecoveredUnit, RecoveryReport } from "./reconciler/leftover-recovery.js";
export type { EventExit, SupervisionEvent, SupervisionEventListener } from "./events/service-event.js";
export type { ServiceTrigger, Transition } from "./supervisor/service-state.js";
export { IDLE_STATES, IllegalTransition, SERVICE_TRIGGERS, SIGNALLABLE_STATES, TRANSITIONS } from "./supervisor/service-state.js";
export type { FailedRun, FailureHistory, RestartDecision, RestartReason } from "./supervisor/restart-policy.js";
export { backoffDelay, CRASH_LOOP_REASON, decideRestart, EMPTY_FAILURE_HISTORY, recordFailure, RESTART_REASONS } from "./supervisor/restart-policy.js";
export type { ServiceSnapshot } from "./supervisor/service-supervisor.js";
export type { StartFailureReason } from "./supervisor/launch-hook.js";
export { START_FAILURE_REASONS } from "./supervisor/launch-hook.js";
export { ServiceDisabled, ServiceNotFound, ServiceNotRunning, UnknownSignal } from "./supervisor/supervisor-errors.js";
export type { HealthFailureReason } from "./health/run-health-check.js";
export { HEALTH_FAILURES } from "./health/run-health-check.js";
export type { RunAs, ServiceRuntime } from "./runtime/service-environment.js";
export { buildServiceRuntime, UNKNOWN_LANGUAGE_VERSION } from "./runtime/service-environment.js";
export type { Clock, TimerHandle } from "./runtime/clock.js";
export { systemClock } from "./runtime/clock.js";
export { FakeClock } from "./runtime/fake-clock.js";
export type { FakeBehaviour } from "./driver/fake-process-driver.js";
export { FakeProcessDriver } from "./driver/fake-process-driver.js";
// Real OS adapters: processes in cgroups (or process groups) and service log files.
export type { LinuxProcessDriverOptions } from "./driver/driver-options.js";
export type { EndLeftoverOptions } from "./driver/linux-process-driver.js";
export { LinuxProcessDriver } from "./driver/linux-process-driver.js";
export type { Leftover } from "./driver/leftovers.js";
export type { LaunchRecord } from "./driver/launch-records.js";
export type { FileServiceLogOptions } from "./logs/file-service-log-options.js";
export { FileServiceLogFactory } from "./logs/file-service-log-factory.js";
export { formatVigilLine, LINE_CONTINUES_MARKER, VIGIL_LINE_MARKER } from "./logs/vigil-line.js";
export { findCgroup2Mount } from "./system/cgroup-mount.js";
// Status-event transport: the disk outbox and the NATS JetStream publisher behind it.
export type { DiskOutboxOptions, OutboxErrorKind } from "./outbox/disk-outbox.js";
export { DiskOutbox, OUTBOX_ERROR_KINDS } from "./outbox/disk-outbox.js";
export type { RetryDelayPolicy } from "./outbox/retry-delay.js";
export { DEFAULT_RETRY_DELAY, retryDelayMs } from "./outbox/retry-delay.js";
export type { NatsEventPublisherOptions } from "./bus/nats-event-publisher.js";
export { NatsEventPublisher } from "./bus/nats-event-publisher.js";
export { newBootId } from "./bus/boot-id.js";
export type { PrivateNatsServer, PrivateNatsServerOptions } from "./bus/testing/private-nats-server.js";
export { startPrivateNatsServer } from "./bus/testing/private-nats-server.js";
export type { TestUser } from "./system/test-user.js";
export { createTestUser } from "./system/test-user.js";
// Control plane: the AgentLink client, status reporting and the whole agent (startAgent).
export type { CoordinatorLinkOptions, LinkState } from "./link/coordinator-link.js";
export { CoordinatorLink, LINK_STATES } from "./link/coordinator-link.js";
export { AGENT_LINK_CLIENT_OPTIONS } from "./link/keepalive.js";
export type { LinkSupervisor } from "./link/link-supervisor.js";
export type { ReconnectPolicy } from "./link/reconnect-delay.js";
export { DEFAULT_RECONNECT_POLICY, reconnectDelayMs } from "./link/reconnect-delay.js";
export type { ReportSink, StatusReporterOptions } from "./reporting/status-reporter.js";
export { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_METRICS_INTERVAL_MS, StatusReporter } from "./reporting/status-reporter.js";
export type { AgentOptions, RunningAgent } from "./daemon/start-agent.js";
export { AGENT_VERSION, startAgent } from "./daemon/start-agent.js";
