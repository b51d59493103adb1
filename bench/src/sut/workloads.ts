// The bench's workload programs (bench/workloads/) and how each supervisor is told to run them:
// an executable with arguments, the first of which is always the workload's pid file.
import { fileURLToPath } from "node:url";

export const WORKLOAD_KINDS = ["sleeper-sh", "sleeper-node", "flood", "crasher", "grandchild"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface ServiceDef {
  readonly name: string;
  readonly kind: WorkloadKind;
  /** Where the workload writes its pid (crasher: appends one line per start). */
  readonly pidFile: string;
  readonly extraArgs?: readonly string[];
}

const FILES: Record<WorkloadKind, string> = {
  "sleeper-sh": "sleeper.sh",
  "sleeper-node": "sleeper.mjs",
  flood: "flood.mjs",
  crasher: "crasher.sh",
  grandchild: "grandchild.sh",
};

export function workloadPath(kind: WorkloadKind): string {
  return fileURLToPath(new URL(`../../workloads/${FILES[kind]}`, import.meta.url));
}

export function isNodeWorkload(kind: WorkloadKind): boolean {
  return FILES[kind].endsWith(".mjs");
}

/** The argv that runs the workload directly (no shell): node for .mjs, the script itself otherwise. */
export function workloadArgv(service: ServiceDef): string[] {
  const file = workloadPath(service.kind);
  const args = [service.pidFile, ...(service.extraArgs ?? [])];
  return isNodeWorkload(service.kind) ? [process.execPath, file, ...args] : [file, ...args];
}

/** POSIX shell quoting for a command line that /bin/sh -c (Vigil) or shlex (supervisord) splits. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(" ");
}
