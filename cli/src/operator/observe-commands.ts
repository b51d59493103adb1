// `vigil logs NAME [-n N] [-f] [--raw]`, `vigil ps NAME` and `vigil events [-f]`: what a service says
// (control characters escaped unless --raw), which processes it runs, what happened, optionally live.
import { type Command } from "commander";
import { HOST_EVENT_KINDS, type ListEventsResponse, type ListProcessesResponse, type LogLinesResponse, type ServiceEvent } from "@vigil/shared";
import { formatBytes, formatPercent, formatTime, orDash } from "../output/formats.js";
import { renderTable } from "../output/table.js";
import { jsonLine, terminalSafe } from "../output/terminal-safe.js";
import { usageError } from "./cli-error.js";
import { configureGroup, operatorCommand, runOperator, show } from "./command-kit.js";

function count(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw usageError(`${flag}: must be a whole number (got ${JSON.stringify(value)})`);
  return Number(value);
}

/** Vigil's own lines start with their time; a service's lines have none (null). */
const LINE_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /;

/** One log line as one line of JSON: the service, the line's time if it has one, and the line. */
export function logJsonLine(service: { readonly account: string | undefined; readonly name: string }, line: string, raw: boolean): string {
  const time = LINE_TIME.exec(line)?.[1] ?? null;
  const value = { account: service.account, service: service.name, time, line };
  return raw ? JSON.stringify(value) : jsonLine(value);
}

export function eventLine(event: ServiceEvent): string {
  // A host's own event (host-down, drain-started, account-moved, ...) names no service.
  if ((HOST_EVENT_KINDS as readonly string[]).includes(event.kind)) {
    return `${formatTime(event.atMs)}  host ${event.host}  ${event.kind.replace(/^host-/, "")}  ${terminalSafe(event.message)}`;
  }
  const exit = event.exit ? (event.exit.hasCode ? ` code=${event.exit.code}` : ` signal=${event.exit.signal}`) : "";
  const detail = [event.message, event.reason && `reason=${event.reason}`].filter(Boolean).join(" ");
  // "kind -> state" reads as a transition: an event whose kind names the state it left the service in is printed once.
  const what = event.kind === event.state ? event.kind : `${event.kind} -> ${event.state}`;
  // The message can hold a health check's output, which the account controls.
  return `${formatTime(event.atMs)}  ${event.service?.account}/${event.service?.name}  ${what}${exit}${event.pid ? ` pid=${event.pid}` : ""}${detail ? `  ${terminalSafe(detail)}` : ""}`;
}

export function registerObserveCommands(program: Command): void {
  configureGroup(operatorCommand(program, "logs <name>", "print the last lines of a service's log; -f follows it", { account: true }))
    .option("-n, --lines <count>", "how many lines", "100")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .option("--raw", "print the service's bytes as they are, terminal escape sequences included")
    .action(
      runOperator<{ lines: string; follow?: boolean; raw?: boolean }>(async (context, name = "") => {
        const { options } = context;
        const request = { account: context.account, name, lines: count(options.lines, "--lines") };
        const service = { account: context.account || undefined, name };
        const toText = options.raw ? (line: string) => line : terminalSafe;
        const print = (lines: readonly string[]) =>
          lines.forEach((line) => context.print(options.json ? logJsonLine(service, line, options.raw ?? false) : toText(line)));
        if (options.follow) await context.session.stream<LogLinesResponse>("followLogs", request, (chunk) => print(chunk.lines));
        else print((await context.session.call<LogLinesResponse>("tailLogs", request)).lines);
      }),
    );

  configureGroup(operatorCommand(program, "ps <name>", "list a service's processes (from its agent)", { account: true })).action(
    runOperator(async (context, name = "") => {
      const { processes } = await context.session.call<ListProcessesResponse>("listProcesses", { account: context.account, name });
      show(context, processes, (list) =>
        renderTable(
          [
            { header: "PID", cell: (process: (typeof list)[number]) => String(process.pid), align: "right" },
            { header: "PPID", cell: (process) => String(process.ppid), align: "right" },
            { header: "USER", cell: (process) => orDash(process.user) },
            { header: "CPU", cell: (process) => formatPercent(process.cpuPercent), align: "right" },
            { header: "MEM", cell: (process) => formatBytes(process.rssBytes), align: "right" },
            { header: "COMMAND", cell: (process) => process.command },
          ],
          list,
          context.palette.bold,
        ),
      );
    }),
  );

  configureGroup(operatorCommand(program, "events", "list recent service events (newest last); -f follows new ones", { account: true }))
    .option("--service <name>", "only this service")
    .option("--host <name>", "only this host")
    .option("--kind <kind>", "only this kind (started, exited, restarting, backoff, disabled, ...)")
    .option("--since <iso-time>", "only events at or after this time")
    .option("--limit <count>", "at most this many", "50")
    .option("-f, --follow", "keep printing new events until Ctrl-C")
    .action(
      runOperator<{ service?: string; host?: string; kind?: string; since?: string; limit: string; follow?: boolean }>(async (context) => {
        const { options } = context;
        const sinceMs = options.since === undefined ? 0 : Date.parse(options.since);
        if (Number.isNaN(sinceMs)) throw usageError(`--since: must be a date and time such as 2026-01-02T03:04:05Z (got ${JSON.stringify(options.since)})`);
        const filter = { account: context.account, service: options.service ?? "", host: options.host ?? "", kind: options.kind ?? "", sinceMs };
        // Followed events are one JSON object per line, like logs --json, so a script can read them as they come.
        const print = (event: ServiceEvent) => context.print(options.json ? jsonLine(event) : eventLine(event));
        const { events } = await context.session.call<ListEventsResponse>("listEvents", { ...filter, limit: count(options.limit, "--limit") });
        if (!options.follow) return show(context, [...events].reverse(), (list) => (list.length === 0 ? "no events" : list.map(eventLine).join("\n")));
        [...events].reverse().forEach(print);
        await context.session.stream<ServiceEvent>("watchEvents", { ...filter, sinceMs: 0 }, print);
      }),
    );
}
