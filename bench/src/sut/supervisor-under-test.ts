// What the scenarios need from a supervisor under test: boot a private daemon with services
// defined, start and stop them all through its own interface, tell whether it gave up on one.
import type { SupervisorName } from "../report/figures.js";
import type { ServiceDef } from "./workloads.js";

export interface SupervisorUnderTest {
  readonly name: SupervisorName;
  /** Starts a private daemon (own config, socket, home in a temp dir) knowing `services`, none running yet. */
  boot(services: readonly ServiceDef[]): Promise<void>;
  /** Starts every defined service through the supervisor's own interface; resolves when that call returns. */
  startAll(): Promise<void>;
  /** Stops every service through the supervisor's own interface; resolves when that call returns. */
  stopAll(): Promise<void>;
  /** True once the supervisor has given up restarting `name` (crash loop: disabled, FATAL, errored). */
  gaveUp(name: string): Promise<boolean>;
  /** The service's log files, oldest first (rotated generations, then the current file). */
  logFiles(name: string): string[];
  /** The supervisor's own long-lived processes (daemon, helpers it started itself). */
  daemonPids(): number[];
  /** Vigil under `vigil up`: the agent child, measured on its own besides the whole tree. */
  agentPid?(): number | null;
  /** Vigil under `vigil up`: kill -9 of the agent child, until the next one supervises every service. */
  killAgent?(): Promise<AgentKill>;
  /** Ends the daemon and removes its temp dir; processes it leaves are the caller's to find. */
  shutdown(): Promise<void>;
}

export interface AgentKill {
  /** The agent that took over. */
  readonly agent: number;
  /** From the kill until the next agent process existed (vigil up waits 1 s before starting it). */
  readonly agentStartedMs: number;
  /** From the kill until the next agent had applied its cached desired state. */
  readonly supervisedMs: number;
}

/** Each supervisor's equivalent of "give up after 5 starts", as close as its settings allow. */
export const CRASH_LOOP_STARTS = 5;
