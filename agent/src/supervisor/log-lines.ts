// The sentences Vigil writes into a service's log and its events, in one place, so the log, the
// event message and the tests all say the same thing.
import type { ExitStatus } from "../driver/process-driver.js";

export function startedLine(pid: number): string {
  return `started with pid ${pid}`;
}

export function exitLine(exit: Pick<ExitStatus, "code" | "signal" | "unknown">): string {
  if (exit.unknown === "exited-while-down") return "exited while the agent was not running (exit status unknown)";
  if (exit.unknown === "not-a-child") return "exited (exit status unknown: it was started by an earlier run of the agent)";
  return exit.signal !== null ? `killed by signal ${exit.signal}` : `exited with code ${exit.code ?? "unknown"}`;
}

export function adoptedLine(pid: number, startedAt: number): string {
  return `running with pid ${pid} since ${new Date(startedAt).toISOString()}, taken over from the agent's previous run`;
}

export function restartingLine(delayMs: number): string {
  return delayMs === 0 ? "restarting now" : `restarting in ${(delayMs / 1000).toFixed(1)} s`;
}

export function crashLoopLine(failures: number, windowMs: number): string {
  return `disabled: crash-loop (${failures} failures within ${Math.round(windowMs / 1000)} s); enable the service to start it again`;
}

export function disabledLine(reason: string): string {
  return `disabled${reason === "" ? "" : ` (${reason})`}`;
}

export function commandNotFoundLine(command: string): string {
  return `start failed: command not found: ${firstWord(command)}`;
}

export function startFailedLine(message: string): string {
  return `start failed: ${message}`;
}

export function daemonizedLine(leftovers: number): string {
  return (
    `the main process exited but ${leftovers} other process${leftovers === 1 ? "" : "es"} of the service kept running: ` +
    "services must stay in the foreground, run the program without daemonising (e.g. its --foreground or --no-daemon option); ending them"
  );
}

export function remainingEndedLine(remaining: number): string {
  return `ending the ${remaining} remaining process${remaining === 1 ? "" : "es"} of the service`;
}

export function logWriteFailedLine(error: string): string {
  return `the service log cannot be written (${error}): the service keeps running, its output is dropped and counted until writing works again`;
}

export { linesDroppedLine as logRecoveredLine } from "../logs/vigil-line.js";

export function stoppingLine(signal: string, why: string): string {
  return `stopping (${why}): sending ${signal} to every process`;
}

export function escalatedLine(remaining: number, timeoutMs: number): string {
  return `${remaining} process${remaining === 1 ? "" : "es"} still running ${(timeoutMs / 1000).toFixed(1)} s after the stop signal: sending SIGKILL`;
}

export function healthFailedLine(detail: string): string {
  return `health check failed (${detail}); restarting the service`;
}

/** The program a shell command line runs, for "command not found" messages. */
export function firstWord(command: string): string {
  const words = command.trim().split(/\s+/);
  const program = words.find((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) && word !== "exec");
  return program ?? words[0] ?? "";
}
