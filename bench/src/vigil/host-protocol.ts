// Messages between the bench and its Vigil host process (IPC): the bench asks, the host answers
// with the same id. Vigil runs in its own process so its RSS and CPU are measured alone.

export interface HostService {
  readonly name: string;
  /** The /bin/sh -c command line. */
  readonly command: string;
}

export type HostRequest =
  | { readonly id: number; readonly op: "apply"; readonly services: readonly HostService[] }
  | { readonly id: number; readonly op: "stopAll" }
  | { readonly id: number; readonly op: "states" }
  | { readonly id: number; readonly op: "exit" };

export interface HostReply {
  readonly id: number;
  readonly ok: boolean;
  readonly error?: string;
  /** "states": state of each service by name. */
  readonly states?: Record<string, string>;
}

/** Passed to the host process as JSON in argv[2]. */
export interface HostSetup {
  /** The account's home (logs go to <home>/admin/logs/services). */
  readonly home: string;
  readonly stateDir: string;
  /** Names the host's cgroup subtree, so parallel runs never share one. */
  readonly instance: string;
}

export const BENCH_ACCOUNT = "bench";
