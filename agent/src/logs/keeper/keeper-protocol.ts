// What the agent and the host's log keeper say to each other: one JSON object per line on a Unix
// socket in the agent's private state directory. Requests carry an id; replies name it.
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { AccountRuntime } from "@vigil/shared";
import type { LogHealth, LogRead } from "../service-log.js";

/**
 * Changes whenever a message changes meaning. An agent that meets a keeper of another protocol (an
 * upgrade) asks it to hand over and starts its own.
 */
export const LOG_KEEPER_PROTOCOL = 1;

/** The keeper's own directory in the agent's state directory (0700, root's): lock, socket, its log. */
export function logKeeperDir(agentStateDir: string): string {
  return join(agentStateDir, "log-keeper");
}

export function logKeeperSocket(agentStateDir: string): string {
  return join(logKeeperDir(agentStateDir), "keeper.sock");
}

/** Where the driver names its services' FIFOs: the only place the keeper opens one. */
export function outputPipesDir(agentStateDir: string): string {
  return join(agentStateDir, "driver", "pipes");
}

export interface KeptLogOptions {
  readonly rotateBytes: number;
  readonly keepFiles: number;
}

export type KeeperRequest =
  | { readonly id: number; readonly op: "hello" }
  | { readonly id: number; readonly op: "open"; readonly account: AccountRuntime; readonly service: string; readonly options: KeptLogOptions }
  /** `holder`: the agent's descriptor of the FIFO, opened through /proc even once the name is gone. */
  | { readonly id: number; readonly op: "attach"; readonly log: number; readonly path: string; readonly holder?: { readonly pid: number; readonly fd: number } }
  | { readonly id: number; readonly op: "note"; readonly log: number; readonly message: string }
  | { readonly id: number; readonly op: "read"; readonly log: number; readonly request: LogRead }
  | { readonly id: number; readonly op: "close"; readonly log: number }
  /** Stop reading (half lines to <fifo>.partial, the rest stays in the pipes), flush, exit. */
  | { readonly id: number; readonly op: "handover" };

export interface HelloAnswer {
  readonly protocol: number;
  readonly pid: number;
}

/**
 * An attach is answered twice: "opened" once the keeper holds the pipe, "ended" at its end of file.
 * `refused`: opening the log was refused (LogPathRefused), with the path it names.
 */
export type KeeperReply =
  | { readonly id: number; readonly ok: true; readonly value?: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly refused?: string };

export type WireHealthChange = { readonly kind: "failed"; readonly error: string } | { readonly kind: "recovered"; readonly dropped: number };

/** Pushed to every connection that has the log open. */
export interface KeeperHealthEvent {
  readonly event: "health";
  readonly log: number;
  readonly change: WireHealthChange;
  readonly health: LogHealth;
}

/** Calls `onMessage` with each whole JSON line of a stream; a line that is not JSON ends the stream. */
export function jsonLines(onMessage: (message: unknown) => void, onBad: () => void): (chunk: Buffer) => void {
  // A UTF-8 sequence split between two chunks stays whole.
  const decoder = new StringDecoder("utf8");
  let pending = "";
  return (chunk) => {
    pending += decoder.write(chunk);
    let newline: number;
    while ((newline = pending.indexOf("\n")) !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        onBad();
        return;
      }
      onMessage(message);
    }
  };
}
