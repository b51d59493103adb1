// The format of Vigil's own lines in a service log, and the marker of a line cut into pieces,
// exported so that readers (tail, tests, the console) can tell them from the service's output.

/** Sits after the timestamp of every line Vigil writes: `2026-11-21T20:30:00.123Z [vigil] started with pid 1234`. */
export const VIGIL_LINE_MARKER = "[vigil]";

/** Ends every piece but the last of a service line longer than the maximum line length. */
export const LINE_CONTINUES_MARKER = " [vigil: line continues]";

/** One whole line: ISO-8601 UTC timestamp, the marker, the message with any line breaks flattened. */
export function formatVigilLine(message: string, at: Date): string {
  return `${at.toISOString()} ${VIGIL_LINE_MARKER} ${message.replace(/\r?\n|\r/g, " ")}\n`;
}

/** Written once the log can be written again after a failure such as a full disk. */
export function linesDroppedLine(dropped: number): string {
  return `${dropped} line${dropped === 1 ? " was" : "s were"} dropped because the log could not be written (e.g. a full disk); writing again`;
}
