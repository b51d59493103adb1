// The daemons' logger (pino): JSON lines on stderr with level, time and fields, or readable lines
// when stderr is a terminal. Writes are synchronous: no worker thread, nothing lost at exit.
import { format } from "node:util";
import { setLogger as setGrpcLogger } from "@grpc/grpc-js";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { terminalLine } from "./log-record-text.js";

export type { Logger } from "pino";

export interface DaemonLoggerOptions {
  /** Where the lines go; default stderr (file descriptor 2). */
  readonly destination?: DestinationStream;
  /** Readable lines instead of JSON; default: whether stderr is a terminal. */
  readonly pretty?: boolean;
  readonly level?: pino.LevelWithSilent;
}

/** The record format of every Vigil log: level as a word, ISO time, the daemon's name, no host name (fields say which host). */
export function daemonLoggerOptions(name: string, level: pino.LevelWithSilent = "info"): LoggerOptions {
  return {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

/** A stream that turns each JSON record into a readable line for `out`. */
function prettyStream(out: DestinationStream): DestinationStream {
  return { write: (line: string) => void out.write(terminalLine(JSON.parse(line) as Record<string, unknown>)) };
}

export function createDaemonLogger(name: string, options: DaemonLoggerOptions = {}): Logger {
  // Synchronous: a daemon's last words before exit (or a crash) are written, and no transport thread is started.
  const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  return pino(daemonLoggerOptions(name, options.level), pretty ? prettyStream(destination) : destination);
}

let fallback: Logger | undefined;

/** For parts started without a logger (tests, tools): one stderr logger for the process. */
export function defaultLogger(): Logger {
  fallback ??= createDaemonLogger("vigil");
  return fallback;
}

/**
 * Routes what the process and its libraries print on their own into `logger`: process warnings
 * (process.emitWarning: the store's idle-connection failures, the Admin API's unexpected errors,
 * Node's own) in place of Node's "(node:pid) Warning:" lines, and gRPC's messages (console.error).
 */
export function logProcessWarnings(logger: Logger): void {
  // Node prints warnings through a 'warning' listener of its own; removing it leaves only ours.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => logger.warn({ warning: warning.name }, warning.message));
  const grpc = logger.child({ component: "grpc" });
  setGrpcLogger({
    error: (...args: unknown[]) => grpc.error(format(...args)),
    info: (...args: unknown[]) => grpc.info(format(...args)),
    debug: (...args: unknown[]) => grpc.debug(format(...args)),
  });
}
