// Executes one imperative command from the coordinator against the host's supervision and
// answers with a CommandResult; supervision's typed errors become gRPC status names.
import { type ApplyError, type Command, type CommandResult, serviceKey, type ServiceRef } from "@vigil/shared";
import { ServiceDisabled, ServiceNotFound, ServiceNotRunning, ServiceStopped, UnknownSignal } from "../supervisor/supervisor-errors.js";
import { type LogChunk } from "../logs/service-log.js";
import { type LinkSupervisor } from "./link-supervisor.js";

const MAX_TAIL_LINES = 10_000;

function logLines(chunk: LogChunk): CommandResult["result"] {
  return { $case: "logLines", value: { lines: chunk.lines, nextOffset: chunk.next.offset, fileId: chunk.next.fileId } };
}

export async function executeCommand(supervisor: LinkSupervisor, command: Command, now: number): Promise<CommandResult> {
  const base = { requestId: command.requestId, ok: true, errorCode: "", errorMessage: "", result: undefined };
  if (command.deadlineMs > 0 && now > command.deadlineMs) return failed(command, "DEADLINE_EXCEEDED", "the command arrived after its deadline");
  const action = command.action;
  try {
    switch (action?.$case) {
      case "restart":
        await supervisor.restart(keyOf(action.value.service));
        return base;
      case "restartServices":
        return { ...base, result: { $case: "serviceErrors", value: { errors: await restartAll(supervisor, action.value.services) } } };
      case "signal":
        await supervisor.signal(keyOf(action.value.service), action.value.signal, action.value.wholeService);
        return base;
      case "tailLog": {
        const tail = Math.min(Math.max(action.value.lines, 1), MAX_TAIL_LINES);
        return { ...base, result: logLines(await supervisor.readLog(keyOf(action.value.service), { tail })) };
      }
      case "listProcesses": {
        const status = await supervisor.statusOf(keyOf(action.value.service));
        return { ...base, result: { $case: "processes", value: { processes: status.processes.map((process) => ({ ...process })) } } };
      }
      case "readLog": {
        const { service, fileId, offset, maxLines } = action.value;
        const from = { fileId, offset };
        return { ...base, result: logLines(await supervisor.readLog(keyOf(service), { from, maxLines: Math.min(Math.max(maxLines, 1), MAX_TAIL_LINES) })) };
      }
      case undefined:
        return failed(command, "INVALID_ARGUMENT", "action: must be set");
    }
  } catch (error) {
    return failed(command, statusName(error), error instanceof Error ? error.message : String(error));
  }
}

/** Restarts every service at once; those that could not be restarted come back with the reason. */
async function restartAll(supervisor: LinkSupervisor, services: readonly ServiceRef[]): Promise<ApplyError[]> {
  const outcomes = await Promise.allSettled(services.map((service) => supervisor.restart(keyOf(service))));
  return outcomes.flatMap((outcome, index) =>
    outcome.status === "fulfilled" ? [] : [{ service: services[index], message: `${statusName(outcome.reason)}: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}` }],
  );
}

function keyOf(ref: ServiceRef | undefined): string {
  return serviceKey(ref?.account ?? "", ref?.name ?? "");
}

function statusName(error: unknown): string {
  if (error instanceof ServiceNotFound) return "NOT_FOUND";
  if (error instanceof ServiceDisabled || error instanceof ServiceNotRunning || error instanceof ServiceStopped) return "FAILED_PRECONDITION";
  if (error instanceof UnknownSignal) return "INVALID_ARGUMENT";
  return "INTERNAL";
}

function failed(command: Command, errorCode: string, errorMessage: string): CommandResult {
  return { requestId: command.requestId, ok: false, errorCode, errorMessage, result: undefined };
}
