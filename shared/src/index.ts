// Public surface of @vigil/shared: protocol types, the spec compiler, config, errors.
// Pure: nothing here performs I/O.
export * from "./gen/index.js";
export type { AccountRuntime, CompiledHealthCheck, CompiledServiceSpec, DesiredServiceSpec } from "./spec/compiled-service-spec.js";
export { serviceKey } from "./spec/compiled-service-spec.js";
export type { Compiled, FieldError } from "./errors.js";
export { formatFieldError, formatFieldErrors, InvalidInputError } from "./errors.js";
export type { CompiledHostConfig, CompiledLogRotation } from "./config/host-config.js";
export { compileHostConfig, DEFAULT_BASE_ENVIRONMENT } from "./config/host-config.js";
export type { CompiledRestartPolicy } from "./config/restart-policy-config.js";
export { DEFAULT_RESTART_POLICY } from "./config/restart-policy-config.js";
export type { LanguagePaths } from "./config/language-paths.js";
export type { BusDelivery, BusHandler, EventBus, EventConsumer, EventPublisher, EventSource } from "./bus/event-bus.js";
export type { BusEnvelope, BusMessageKind, BusNames } from "./bus/subjects.js";
export { BUS_MESSAGE_KINDS, busNames, compileBusNames, DEFAULT_BUS_PREFIX, escapeSubjectToken, eventSubject, toBusEnvelope } from "./bus/subjects.js";
export type { EventConsumerOptions, EventStreamOptions } from "./bus/stream-config.js";
export { DEFAULT_EVENT_CONSUMER_OPTIONS, DEFAULT_EVENT_STREAM_OPTIONS, eventConsumerConfig, eventStreamConfig } from "./bus/stream-config.js";
export type { InProcessBusOptions } from "./bus/in-process-bus.js";
export { InProcessBus } from "./bus/in-process-bus.js";
export { MessageIdSequence } from "./bus/message-ids.js";
