// Public surface of @vigil/shared: protocol types, the spec compiler, config, errors.
// Pure: nothing here performs I/O (the daemons' logger is apart, in @vigil/shared/logging).
export * from "./gen/index.js";
export type { AccountRuntime, CompiledHealthCheck, CompiledServiceSpec, DesiredServiceSpec, ServiceDesiredState } from "./spec/compiled-service-spec.js";
export { SERVICE_DESIRED_STATES, serviceKey } from "./spec/compiled-service-spec.js";
export type { ServiceSpecInput, ServiceInputField, UntrustedInput } from "./spec/service-spec-input.js";
export { SERVICE_INPUT_FIELDS } from "./spec/service-spec-input.js";
export type { MillisecondRange, StopSignal } from "./spec/limits.js";
export {
  ANNOTATION_MAX_BYTES,
  COMMAND_MAX_BYTES,
  DEFAULT_HEALTH_CHECK_GRACE_MS,
  DEFAULT_HEALTH_CHECK_INTERVAL_MS,
  DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
  DEFAULT_STOP_SIGNAL,
  DEFAULT_STOP_TIMEOUT_MS,
  ENVIRONMENT_MAX_BYTES,
  ENVIRONMENT_MAX_VARIABLES,
  ENVIRONMENT_NAME_MAX_BYTES,
  ENVIRONMENT_NAME_PATTERN,
  HEALTH_CHECK_GRACE_MS,
  HEALTH_CHECK_INTERVAL_MS,
  HEALTH_CHECK_TIMEOUT_MS,
  MAX_PORTS_PER_SERVICE,
  PORT_RANGE,
  RESERVED_ENVIRONMENT_NAMES,
  RESERVED_ENVIRONMENT_PREFIX,
  SERVICE_NAME_PATTERN,
  STOP_SIGNALS,
  STOP_TIMEOUT_MS,
  UNCATCHABLE_SIGNALS,
  WORKING_DIRECTORY_MAX_BYTES,
} from "./spec/limits.js";
export { compileServiceSpec, orderFieldErrors } from "./spec/compile-service-spec.js";
export type { ServiceSpecPatch } from "./spec/service-update.js";
export { compileServiceUpdate, NO_LIMIT, serviceSpecToInput } from "./spec/service-update.js";
export type { EnvironmentAssignment } from "./spec/environment-string.js";
export { parseEnvironmentString } from "./spec/environment-string.js";
export { isReservedEnvironmentName } from "./spec/environment.js";
export { normaliseWorkingDirectory } from "./spec/working-directory.js";
export { isStopSignal } from "./spec/stop-signal.js";
export type { LimitField, ResourceLimits } from "./spec/resource-limits.js";
export { compileResourceLimits, CPU_CORES, CPU_WEIGHT, effectiveLimits, hasAnyLimit, LIMIT_FIELDS, MEMORY_BYTES, NO_LIMITS, parseMemorySize, resourceLimitsToInput, sameLimits, TASKS } from "./spec/resource-limits.js";
export { limitInputFromProto, resourceLimitsFromProto, resourceLimitsToProto } from "./spec/limits-protocol.js";
export { canonicalJson, launchFingerprint, sameSpec, specHash, updateNeedsRestart } from "./spec/spec-hash.js";
export type { AccountCloud, DecodedDesiredService } from "./spec/protocol-mapping.js";
export {
  ACCOUNT_CLOUDS,
  accountIdentityToProto,
  accountRuntimeFromProto,
  desiredServiceFromProto,
  desiredServiceToProto,
  serviceSpecFromProto,
  serviceSpecToProto,
} from "./spec/protocol-mapping.js";
export type { HostEventKind, ProcessSnapshot, ServiceEventKind, ServiceState, ServiceStatusState, StoredEventKind } from "./vocabulary/service-vocabulary.js";
export {
  asServiceEventKind,
  asServiceState,
  asServiceStatusState,
  HOST_EVENT_KINDS,
  SERVICE_EVENT_KINDS,
  STORED_EVENT_KINDS,
  SERVICE_STATES,
  SERVICE_STATUS_STATES,
} from "./vocabulary/service-vocabulary.js";
export type { Compiled, FieldError } from "./errors.js";
export { formatFieldError, formatFieldErrors, InvalidInputError } from "./errors.js";
export type { CompiledHostConfig, CompiledLogRotation } from "./config/host-config.js";
export type { CompiledLimitsConfig } from "./config/limits-config.js";
export { compileLimitsConfig, DEFAULT_LIMITS_CONFIG, hostEffectiveLimits, LIMITS_SETTINGS } from "./config/limits-config.js";
export { compileHostConfig, DEFAULT_AGENT_STATE_DIR, DEFAULT_BASE_ENVIRONMENT, HOST_CONFIG_SETTINGS, LOG_ROTATION_SETTINGS, DEFAULT_MINIMUM_UID, DEFAULT_OUTBOX_MAX_BYTES, MAX_UID } from "./config/host-config.js";
export type { CompiledRestartPolicy } from "./config/restart-policy-config.js";
export { DEFAULT_RESTART_POLICY, RESTART_POLICY_SETTINGS } from "./config/restart-policy-config.js";
export type { LanguagePaths } from "./config/language-paths.js";
export type { BusDelivery, BusHandler, EventBus, EventConsumer, EventPublisher, EventSource } from "./bus/event-bus.js";
export { PublishRefusedError } from "./bus/event-bus.js";
export type { BusEnvelope, BusMessageKind, BusNames } from "./bus/subjects.js";
export { BUS_MESSAGE_KINDS, busNames, compileBusNames, DEFAULT_BUS_PREFIX, escapeSubjectToken, eventSubject, toBusEnvelope } from "./bus/subjects.js";
export type { NatsAuthorization, NatsUser } from "./bus/nats-authorization.js";
export { hostInboxPrefix, natsAuthorizationConfig } from "./bus/nats-authorization.js";
export type { EventConsumerOptions, EventStreamOptions } from "./bus/stream-config.js";
export { DEFAULT_EVENT_CONSUMER_OPTIONS, DEFAULT_EVENT_STREAM_OPTIONS, eventConsumerConfig, eventStreamConfig } from "./bus/stream-config.js";
export { addStreamRetryingStoreFailure } from "./bus/stream-creation.js";
export type { InProcessBusOptions } from "./bus/in-process-bus.js";
export { InProcessBus } from "./bus/in-process-bus.js";
export { MessageIdSequence } from "./bus/message-ids.js";
export type { AgentEventTransport, AgentTlsConfig, CompiledAgentConfig, CompiledCoordinatorConfig, CompiledUpConfig, CoordinatorTlsConfig, HostDownAction } from "./config/server-config.js";
export {
  AGENT_EVENT_TRANSPORTS,
  AGENT_SETTINGS,
  compileAgentConfig,
  compileCoordinatorConfig,
  compileUpConfig,
  COORDINATOR_SETTINGS,
  DEFAULT_COORDINATOR_LISTEN,
  DEFAULT_COORDINATOR_STATE_DIR,
  DEFAULT_UP_LISTEN,
  HOST_DOWN_ACTIONS,
  isLoopback,
  UP_SETTINGS,
} from "./config/server-config.js";
export type { FirewallAction, FirewallDirection, FirewallProtocol, IpVersion } from "./firewall/firewall-vocabulary.js";
export { FIREWALL_ACTIONS, FIREWALL_DIRECTIONS, FIREWALL_MAX_ENTRIES, FIREWALL_MAX_RULES, FIREWALL_PROTOCOLS, IP_VERSIONS } from "./firewall/firewall-vocabulary.js";
export type { CompiledFirewallRule, FirewallRuleFields, PortRange } from "./firewall/compile-firewall-rule.js";
export { addressVersion, compileFirewallRule } from "./firewall/compile-firewall-rule.js";
export type { IpFamily, IpInterval } from "./firewall/ip-interval.js";
export { formatInterval, formatIp, mergeIntervals, parseIpInterval } from "./firewall/ip-interval.js";
export type { AccountPrefix } from "./network/account-address.js";
export {
  ACCOUNT_PREFIX_LENGTHS,
  accountAddressAt,
  accountAddressCapacity,
  accountAddressIndex,
  EGRESS_V4_RANGE,
  egressIpv4,
  MAX_ACCOUNT_ADDRESS_INDEX,
  parseAccountPrefix,
} from "./network/account-address.js";
