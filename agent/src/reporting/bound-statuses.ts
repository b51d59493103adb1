// Keeps a heartbeat (or metrics report) under the bus's payload limit whatever the accounts run: each
// service lists at most a few processes, fewer when the whole report would still be too large, and says
// how many it left out. Command lines are already cut to MAX_COMMAND_BYTES when they are sampled.
import type { ProcessSnapshot } from "@vigil/shared";

export interface StatusBounds {
  /** Processes listed per service at most (default 64). */
  readonly maxProcessesPerService: number;
  /** Estimated bytes of all the listed processes at most (default 512 KiB, half of NATS's default max_payload). */
  readonly maxProcessBytes: number;
}

export const DEFAULT_STATUS_BOUNDS: StatusBounds = { maxProcessesPerService: 64, maxProcessBytes: 512 * 1024 };

/** Protobuf bytes of one ProcessInfo besides its strings: field tags, varints, double; rounded up. */
const PROCESS_OVERHEAD_BYTES = 48;

export interface BoundedProcesses {
  readonly processes: readonly ProcessSnapshot[];
  /** How many processes of the service are not listed. */
  readonly omitted: number;
}

/**
 * The processes to list for each service, in the input's order. The per-service cap is halved until the
 * estimate fits, so a host with many large services lists fewer processes of each rather than none of some.
 */
export function boundProcesses(lists: readonly (readonly ProcessSnapshot[])[], bounds: StatusBounds = DEFAULT_STATUS_BOUNDS): BoundedProcesses[] {
  let cap = bounds.maxProcessesPerService;
  while (cap > 0 && estimate(lists, cap) > bounds.maxProcessBytes) cap = Math.floor(cap / 2);
  return lists.map((processes) => ({ processes: processes.slice(0, cap), omitted: Math.max(0, processes.length - cap) }));
}

function estimate(lists: readonly (readonly ProcessSnapshot[])[], cap: number): number {
  let bytes = 0;
  for (const processes of lists) {
    for (const process of processes.slice(0, cap)) bytes += PROCESS_OVERHEAD_BYTES + Buffer.byteLength(process.command) + Buffer.byteLength(process.user);
  }
  return bytes;
}
