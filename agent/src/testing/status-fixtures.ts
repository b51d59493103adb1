// A service's status as the reporter reads it from the host supervisor, for reporting tests.
import type { ProcessSnapshot } from "@vigil/shared";
import type { ServiceStatus } from "../reconciler/host-supervisor.js";

export function testProcesses(count: number, command = "sleep 100"): ProcessSnapshot[] {
  return Array.from({ length: count }, (_, i) => ({ pid: 1000 + i, ppid: 1, user: "acme", command, cpuPercent: 1, rssBytes: 4096 }));
}

/** A running service of account "acme" with `processes`. */
export function testStatus(name: string, processes: ProcessSnapshot[] = testProcesses(1)): ServiceStatus {
  return {
    key: `acme/${name}`,
    account: "acme",
    service: name,
    state: "running",
    mainPid: processes[0]?.pid ?? null,
    startedAt: 1,
    restarts: 0,
    lastExit: null,
    disabledReason: "",
    launchFingerprint: "f",
    logDegraded: false,
    logLinesDropped: 0,
    taskLimitHits: 0,
    processes,
  };
}
