// Admin handlers for a service's log and processes, read from its host's agent: the last N
// lines, following (see log-follow.ts), and the process list.
import { InvalidInputError } from "@vigil/shared";
import { type ControlPlane } from "../../control/control-plane.js";
import { followLog } from "./log-follow.js";
import { serviceRef } from "./service-handlers.js";
import { type StreamHandlers, type UnaryHandlers } from "./handler-types.js";

export const DEFAULT_LOG_LINES = 100;
export const MAX_LOG_LINES = 10_000;
export const FOLLOW_POLL_MS = 250;

function lineCount(requested: number): number {
  if (requested > MAX_LOG_LINES) throw new InvalidInputError([{ field: "lines", rule: `must be at most ${MAX_LOG_LINES}` }]);
  return requested === 0 ? DEFAULT_LOG_LINES : requested;
}

export function logHandlers(control: ControlPlane, pollMs = FOLLOW_POLL_MS): Pick<UnaryHandlers, "tailLogs" | "listProcesses"> & Pick<StreamHandlers, "followLogs"> {
  return {
    tailLogs: async (request, authorised) => {
      const ref = serviceRef(authorised, request.name);
      return { lines: [...(await control.tailLog(ref, lineCount(request.lines))).lines] };
    },
    followLogs: async (request, authorised, sink) => followLog(control, serviceRef(authorised, request.name), lineCount(request.lines), pollMs, sink),
    listProcesses: async (request, authorised) => ({ processes: await control.listProcesses(serviceRef(authorised, request.name)) }),
  };
}
