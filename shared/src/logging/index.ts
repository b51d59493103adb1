// @vigil/shared/logging: the daemons' logger (pino). A subpath of its own, so commands that log
// nothing (vigil service ls, vigil --version) never load pino.
export type { DaemonLoggerOptions, Logger } from "./daemon-logger.js";
export { createDaemonLogger, daemonLoggerOptions, defaultLogger, logProcessWarnings } from "./daemon-logger.js";
export type { RecordingLogger } from "./recording-logger.js";
export { recordingLogger } from "./recording-logger.js";
export { recordText, terminalLine } from "./log-record-text.js";
