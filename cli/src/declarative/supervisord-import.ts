// Converts a supervisord.conf into a `vigil apply` services file (pure): [program:x] sections with
// command, directory, environment (%(x)s expanded), autostart, stopsignal, stopwaitsecs; the rest, a warning.
import { isStopSignal, SERVICE_NAME_PATTERN, STOP_SIGNALS, STOP_TIMEOUT_MS } from "@vigil/shared";
import { stringify } from "yaml";
import { expandExpressions } from "./supervisord-expressions.js";

export interface ImportResult {
  readonly yaml: string;
  readonly warnings: readonly string[];
  readonly programs: number;
}

interface Section {
  readonly name: string;
  readonly line: number;
  readonly values: Map<string, string>;
}

/** Keys Vigil covers differently, with the note a user needs to hear about each. */
const IGNORED_WITH_REASON: Readonly<Record<string, string>> = {
  user: "services always run as the account's Unix user",
  stdout_logfile: "output goes to ~/admin/logs/services/<name>.log",
  stderr_logfile: "output goes to ~/admin/logs/services/<name>.log",
  redirect_stderr: "stderr always goes to the service log with stdout",
  startretries: "the crash-loop policy is the host's (default 5 failures in 120 s)",
  priority: "services start independently",
};

/** Keys with no effect on Vigil worth mentioning. */
const SILENT_KEYS = new Set(["process_name", "startsecs", "stdout_logfile_maxbytes", "stdout_logfile_backups", "stderr_logfile_maxbytes", "stderr_logfile_backups", "killasgroup", "stopasgroup"]);

/** stopsignal and stopwaitsecs, where Vigil can honour them; a warning names the rest. */
function convertStop(values: ReadonlyMap<string, string>, service: Record<string, unknown>, warn: (warning: string) => void): void {
  const signal = values.get("stopsignal");
  if (signal !== undefined) {
    const name = signal.trim().toUpperCase().replace(/^(?!SIG)/, "SIG");
    if (isStopSignal(name)) service["stop_signal"] = name;
    else warn(`stopsignal not converted: ${signal} is not one of ${STOP_SIGNALS.join(", ")}`);
  }
  const wait = values.get("stopwaitsecs");
  if (wait !== undefined) {
    const ms = Number(wait) * 1000;
    if (Number.isInteger(ms) && ms >= STOP_TIMEOUT_MS.min && ms <= STOP_TIMEOUT_MS.max) service["stop_timeout"] = ms;
    else warn(`stopwaitsecs not converted: ${wait} s is outside Vigil's ${STOP_TIMEOUT_MS.min}-${STOP_TIMEOUT_MS.max / 1000} s`);
  }
}

export function parseIni(text: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*[;#]/.test(raw) || raw.trim() === "") return;
    const header = /^\[([^\]]+)\]\s*$/.exec(raw.trim());
    if (header) {
      current = { name: header[1]!.trim(), line: index + 1, values: new Map() };
      sections.push(current);
      lastKey = undefined;
      return;
    }
    if (!current) return;
    if (/^\s/.test(raw) && lastKey !== undefined) {
      current.values.set(lastKey, `${current.values.get(lastKey) ?? ""} ${raw.trim()}`);
      return;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!pair) return;
    lastKey = pair[1]!.trim().toLowerCase();
    // An inline comment needs whitespace before the semicolon, as in supervisord.
    current.values.set(lastKey, pair[2]!.replace(/\s+;.*$/, "").trim());
  });
  return sections;
}

/** supervisord's environment: KEY="value",KEY2=value2 (commas inside quotes are kept). */
export function parseSupervisordEnvironment(text: string): Record<string, string> {
  const environment: Record<string, string> = {};
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("((?:[^"\\]|\\.)*)"|'([^']*)'|([^,]*))\s*(?:,|$)/gy;
  for (let match = pattern.exec(text); match && match[0] !== ""; match = pattern.exec(text)) {
    environment[match[1]!] = match[3] !== undefined ? match[3].replace(/\\(.)/g, "$1") : (match[4] ?? match[5] ?? "").trim();
  }
  return environment;
}

/** autorestart=true is what Vigil always does; the other values ask for something it does not do. */
function convertAutorestart(value: string | undefined, warn: (warning: string) => void): void {
  const setting = value?.toLowerCase();
  if (setting === undefined || setting === "true") return;
  warn(`autorestart=${value} not converted: Vigil restarts every exit nobody asked for, whatever its code, with backoff (use vigil service stop to keep it stopped)`);
}

/** supervisord's group_name: the [group:x] that lists the program, else the program itself. */
function groupsOf(sections: readonly Section[]): Map<string, string> {
  const groups = new Map<string, string>();
  for (const section of sections.filter((candidate) => candidate.name.startsWith("group:"))) {
    for (const program of (section.values.get("programs") ?? "").split(",")) groups.set(program.trim(), section.name.slice("group:".length).trim());
  }
  return groups;
}

function serviceName(program: string): string {
  return program.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "").slice(0, 63);
}

export function importSupervisord(text: string, options: { readonly home?: string; readonly here?: string } = {}): ImportResult {
  const warnings: string[] = [];
  const services: Record<string, Record<string, unknown>> = {};
  const here = options.here ?? ".";
  const sections = parseIni(text);
  const groups = groupsOf(sections);
  for (const section of sections) {
    if (section.name.startsWith("group:")) {
      warnings.push(`[${section.name}] (line ${section.line}): groups are not converted; each program becomes its own service`);
      continue;
    }
    if (!section.name.startsWith("program:")) continue;
    const program = section.name.slice("program:".length).trim();
    const name = serviceName(program);
    const where = `[program:${program}]`;
    if (!SERVICE_NAME_PATTERN.test(name)) {
      warnings.push(`${where}: skipped: cannot make a service name from ${JSON.stringify(program)}`);
      continue;
    }
    if (name !== program) warnings.push(`${where}: renamed to ${name} (service names match ${SERVICE_NAME_PATTERN.source})`);
    const values = section.values;
    const command = values.get("command");
    if (!command) {
      warnings.push(`${where}: skipped: no command`);
      continue;
    }
    const warn = (warning: string) => warnings.push(`${where}: ${warning}`);
    const numprocs = Number(values.get("numprocs") ?? "1");
    const context = { program, group: groups.get(program) ?? program, here, numprocs, ...(options.home !== undefined && { home: options.home.replace(/\/$/, "") }) };
    const service: Record<string, unknown> = { command: expandExpressions(command, "command", context, warn) };
    const directory = values.get("directory");
    if (directory !== undefined) {
      const expanded = expandExpressions(directory, "directory", context, warn);
      if (expanded.includes("%(")) warn(`directory ${expanded} not converted: it holds an expression Vigil cannot expand`);
      else if (!expanded.startsWith("/")) service["working_directory"] = expanded;
      else if (options.home && (expanded === options.home || expanded.startsWith(`${options.home.replace(/\/$/, "")}/`))) service["working_directory"] = expanded.slice(options.home.replace(/\/$/, "").length + 1);
      else warn(`directory ${expanded} is outside the account's home${options.home ? ` (${options.home})` : " (pass --home)"}; not converted`);
    }
    const environment = values.get("environment");
    if (environment !== undefined) service["environment"] = parseSupervisordEnvironment(expandExpressions(environment, "environment", context, warn));
    const autostart = values.get("autostart")?.toLowerCase();
    if (autostart === "false") service["is_disabled"] = true;
    convertAutorestart(values.get("autorestart"), warn);
    convertStop(values, service, warn);
    if (numprocs > 1) warn(`numprocs=${numprocs} not converted: one service runs one process tree (create ${name}-2 ... yourself)`);
    for (const key of values.keys()) {
      const reason = IGNORED_WITH_REASON[key];
      if (reason !== undefined) warnings.push(`${where}: ${key} not converted: ${reason}`);
      else if (!["command", "directory", "environment", "autostart", "autorestart", "numprocs", "stopsignal", "stopwaitsecs"].includes(key) && !SILENT_KEYS.has(key)) warnings.push(`${where}: ${key} not converted: no Vigil equivalent`);
    }
    services[name] = service;
  }
  const yaml = Object.keys(services).length === 0 ? "services: {}\n" : stringify({ services }, { lineWidth: 0 });
  return { yaml, warnings, programs: Object.keys(services).length };
}
