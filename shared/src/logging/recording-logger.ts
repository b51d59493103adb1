// A logger for tests: keeps every record (the parsed JSON object) and its readable text, so a test
// can assert on the message and fields a daemon logged.
import pino, { type Logger } from "pino";
import { daemonLoggerOptions } from "./daemon-logger.js";
import { recordText } from "./log-record-text.js";

export interface RecordingLogger {
  readonly logger: Logger;
  /** Every record logged, in order. */
  readonly records: Record<string, unknown>[];
  /** Each record as `message key=value ...`. */
  readonly lines: string[];
}

/** `lines`: an array of the caller's to append each record's text to. */
export function recordingLogger(lines: string[] = []): RecordingLogger {
  const records: Record<string, unknown>[] = [];
  const logger = pino(daemonLoggerOptions("test", "debug"), {
    write(line: string) {
      const record = JSON.parse(line) as Record<string, unknown>;
      records.push(record);
      lines.push(recordText(record));
    },
  });
  return { logger, records, lines };
}
