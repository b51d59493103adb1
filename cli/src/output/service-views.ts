// Renders services for people: the `service ls` table (like `pm2 ls`) and the `service show`
// details, with live state coloured when the palette has colour.
import { describeLimits } from "./limits-view.js";
import { type Service } from "@vigil/shared";
import { type Palette } from "./colour.js";
import { formatBytes, formatDuration, formatPercent, formatTime, orDash } from "./formats.js";
import { type Column, renderTable } from "./table.js";

/** The log flag reads "log-write-failed" beside the state: the service runs, but its output is being dropped. */
export const LOG_WRITE_FAILED_FLAG = "log-write-failed";

/** Beside the state while the running service's forks are refused by its task limit. */
export const TASK_LIMIT_FLAG = "task-limit";

function stateCell(service: Service, palette: Palette): string {
  const flags = [service.status?.logDegraded ? LOG_WRITE_FAILED_FLAG : null, service.status?.taskLimitReached ? TASK_LIMIT_FLAG : null].filter((flag) => flag !== null);
  return liveStateCell(service, palette) + flags.map((flag) => ` ${palette.red(`(${flag})`)}`).join("");
}

function liveStateCell(service: Service, palette: Palette): string {
  const state = service.status?.state || "unknown";
  const text = service.desiredState === "stopped" && state === "stopped" ? "stopped" : state;
  if (state === "running") return palette.green(text);
  if (state === "backoff" || state === "exited" || state === "disabled" || state === "unknown") return palette.red(text);
  if (state === "starting" || state === "stopping") return palette.yellow(text);
  return palette.dim(text);
}

function totals(service: Service): { cpu: number; rss: number } {
  const processes = service.status?.processes ?? [];
  return { cpu: processes.reduce((sum, process) => sum + process.cpuPercent, 0), rss: processes.reduce((sum, process) => sum + process.rssBytes, 0) };
}

export function serviceTable(services: readonly Service[], palette: Palette, now: number = Date.now()): string {
  const columns: Column<Service>[] = [
    { header: "NAME", cell: (service) => `${service.account}/${service.name}` },
    { header: "HOST", cell: (service) => orDash(service.host) },
    { header: "STATE", cell: (service) => stateCell(service, palette) },
    { header: "PID", cell: (service) => orDash(service.status?.mainPid), align: "right" },
    { header: "UPTIME", cell: (service) => (service.status?.state === "running" && service.status.startedAtMs > 0 ? formatDuration(now - service.status.startedAtMs) : "-"), align: "right" },
    { header: "RESTARTS", cell: (service) => String(service.status?.restarts ?? 0), align: "right" },
    { header: "CPU", cell: (service) => (service.status?.processes.length ? formatPercent(totals(service).cpu) : "-"), align: "right" },
    { header: "MEM", cell: (service) => (service.status?.processes.length ? formatBytes(totals(service).rss) : "-"), align: "right" },
    { header: "PORTS", cell: (service) => orDash(service.ports.join(",")) },
  ];
  if (services.length === 0) return "no services\n";
  return renderTable(columns, services, palette.bold);
}

export function serviceDetails(service: Service, palette: Palette): string {
  const status = service.status;
  const exit = status?.lastExit;
  const lines: [string, string][] = [
    ["service", `${service.account}/${service.name}`],
    ["state", stateCell(service, palette)],
    ["desired", service.desiredState],
    ["host", orDash(service.host)],
    // The account's own IPv6 address on that host, published as services-<account>.
    ["address", orDash(service.accountAddress)],
    ["pid", orDash(status?.mainPid)],
    ["started", formatTime(status?.startedAtMs ?? 0)],
    ["restarts", String(status?.restarts ?? 0)],
    ["log", status?.logDegraded ? `${palette.red(LOG_WRITE_FAILED_FLAG)}: output is dropped (${status.logLinesDropped} lines so far)` : status?.logLinesDropped ? `ok (${status.logLinesDropped} lines dropped earlier)` : "ok"],
    ["tasks", status?.taskLimitReached ? `${palette.red("task limit reached")}: ${status.taskLimitHits} forks refused in this run` : "-"],
    ["processes", status ? `${status.processes.length}${status.processesOmitted > 0 ? ` listed, ${status.processesOmitted} more not listed` : ""}` : "-"],
    ["last exit", exit ? `${exit.hasCode ? `code ${exit.code}` : `signal ${exit.signal}`}${exit.reason ? ` (${exit.reason})` : ""} at ${formatTime(exit.atMs)}` : "-"],
    ["disabled", service.isDisabled ? `yes (${service.disabledReason || "user"})` : "no"],
    ["command", service.command],
    ["directory", service.workingDirectory === "" ? "~" : `~/${service.workingDirectory}`],
    ["ports", orDash(service.ports.join(", "))],
    [
      "health check",
      service.checkHealthCommand === ""
        ? "-"
        : `${service.checkHealthCommand} (every ${service.healthCheckIntervalMs} ms, timeout ${service.healthCheckTimeoutMs} ms, first after ${service.healthCheckGraceMs} ms)`,
    ],
    ["stop", `${service.stopSignal}, SIGKILL after ${service.stopTimeoutMs} ms`],
    ["limits", describeLimits(service.limits)],
    ["annotation", orDash(service.annotation)],
    ["revision", String(service.revision)],
  ];
  const environment = Object.entries(service.environment).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...lines.map(([label]) => label.length)) + 1;
  const body = lines.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`);
  if (environment.length > 0) body.push("environment:", ...environment.map(([name, value]) => `  ${name}=${value}`));
  return body.join("\n") + "\n";
}
