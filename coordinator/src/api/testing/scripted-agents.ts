// Test double of the control plane's AgentCommands: hosts are connected or not at the test's
// word, and a connected host answers log and process commands from an in-memory service log.
import { type CommandResult } from "@vigil/shared";
import { type AgentAction, type AgentCommands, type DesiredStateNotifier } from "../../control/control-ports.js";
import { HostUnavailableError } from "../../control/control-errors.js";

export class ScriptedAgents implements AgentCommands, DesiredStateNotifier {
  readonly connected = new Set<string>();
  /** Log lines per "<account>/<name>", appended to by tests. */
  readonly logs = new Map<string, string[]>();
  readonly sent: AgentAction[] = [];

  isConnected(host: string): boolean {
    return this.connected.has(host);
  }

  /** Every desired-state push asked for, as the hosts of one hostsChanged call. */
  readonly pushes: (string | null)[][] = [];

  hostsChanged(hosts: Iterable<string | null>): void {
    this.pushes.push([...hosts]);
  }

  appendLog(account: string, name: string, ...lines: string[]): void {
    const key = `${account}/${name}`;
    this.logs.set(key, [...(this.logs.get(key) ?? []), ...lines]);
  }

  send(host: string, action: AgentAction): Promise<CommandResult> {
    if (!this.connected.has(host)) return Promise.reject(new HostUnavailableError(host, action.$case));
    this.sent.push(action);
    const ok: CommandResult = { requestId: String(this.sent.length), ok: true, errorCode: "", errorMessage: "", result: undefined };
    if (action.$case === "restartServices") return Promise.resolve({ ...ok, result: { $case: "serviceErrors", value: { errors: [] } } });
    const service = action.value.service;
    // Offsets count lines here rather than bytes: callers only pass back what they were given.
    const log = this.logs.get(`${service?.account}/${service?.name}`) ?? [];
    switch (action.$case) {
      case "tailLog":
        return Promise.resolve({ ...ok, result: { $case: "logLines", value: { lines: log.slice(-action.value.lines), nextOffset: log.length, fileId: 1 } } });
      case "readLog": {
        const lines = log.slice(action.value.offset, action.value.offset + action.value.maxLines);
        return Promise.resolve({ ...ok, result: { $case: "logLines", value: { lines, nextOffset: action.value.offset + lines.length, fileId: 1 } } });
      }
      case "listProcesses":
        return Promise.resolve({ ...ok, result: { $case: "processes", value: { processes: [{ pid: 4242, ppid: 1, user: service?.account ?? "", command: "sleep 1000", cpuPercent: 0.5, rssBytes: 1024 * 1024 }] } } });
      default:
        return Promise.resolve(ok);
    }
  }
}
