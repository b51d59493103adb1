// A process's command line as status shows it: at most MAX_COMMAND_BYTES, so that one account's long
// command lines cannot push the host's heartbeat past the bus's payload limit (1 MiB by default).

/** 4 KiB: longer than any command line a person reads, far below NATS's max_payload. */
export const MAX_COMMAND_BYTES = 4096;
const ELLIPSIS = "…";

/** The command cut at a character boundary to fit `maxBytes` (ellipsis included) when it is longer. */
export function boundCommandLine(command: string, maxBytes: number = MAX_COMMAND_BYTES): string {
  if (Buffer.byteLength(command) <= maxBytes) return command;
  const bytes = Buffer.from(command).subarray(0, maxBytes - Buffer.byteLength(ELLIPSIS));
  // A cut in the middle of a UTF-8 sequence decodes to U+FFFD at the end: drop it.
  return bytes.toString("utf8").replace(/\uFFFD+$/, "") + ELLIPSIS;
}
