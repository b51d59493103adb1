// One agent's connection to the log keeper: its requests answered in order of completion, the logs
// it opened released when it goes (a kill -9 of the agent included), health changes pushed to it.
import type { Socket } from "node:net";
import { LogPathRefused, type LogHealthChange } from "../service-log.js";
import type { KeptLog, KeptLogs } from "./kept-logs.js";
import { type HelloAnswer, jsonLines, type KeeperHealthEvent, type KeeperReply, type KeeperRequest, type WireHealthChange } from "./keeper-protocol.js";

export interface ConnectionContext {
  readonly logs: KeptLogs;
  readonly protocol: number;
  /** Resolves once every reader let go and every log is closed. */
  readonly handOver: () => Promise<void>;
  readonly onError: (error: unknown) => void;
}

function wireChange(change: LogHealthChange): WireHealthChange {
  return change.kind === "failed" ? { kind: "failed", error: change.error.message } : change;
}

export function serveConnection(socket: Socket, context: ConnectionContext, onClose: () => void): void {
  const handles = new Map<number, { readonly kept: KeptLog; readonly watcher: (change: LogHealthChange) => void }>();
  let nextHandle = 1;
  const send = (message: KeeperReply | KeeperHealthEvent) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
  };
  const handleOf = (id: number) => {
    const handle = handles.get(id);
    if (handle === undefined) throw new Error(`no open log ${id}`);
    return handle.kept;
  };

  const answer = async (request: KeeperRequest): Promise<unknown> => {
    switch (request.op) {
      case "hello":
        return { protocol: context.protocol, pid: process.pid } satisfies HelloAnswer;
      case "open": {
        const kept = await context.logs.open(request.account, request.service, request.options);
        const id = nextHandle++;
        const watcher = (change: LogHealthChange) => send({ event: "health", log: id, change: wireChange(change), health: kept.log.health() });
        kept.watchers.add(watcher);
        handles.set(id, { kept, watcher });
        return { log: id, health: kept.log.health() };
      }
      case "attach": {
        const attached = context.logs.attach(handleOf(request.log), request.path, request.holder);
        send({ id: request.id, ok: true, value: "opened" });
        await attached.ended;
        return "ended";
      }
      case "note":
        handleOf(request.log).log.note(request.message);
        return undefined;
      case "read":
        return handleOf(request.log).log.read(request.request);
      case "close": {
        const handle = handles.get(request.log);
        handles.delete(request.log);
        if (handle !== undefined) {
          handle.kept.watchers.delete(handle.watcher);
          await context.logs.release(handle.kept);
        }
        return undefined;
      }
      case "handover":
        await context.handOver();
        return undefined;
      default:
        throw new Error(`unknown request ${JSON.stringify((request as { op?: unknown }).op)}`);
    }
  };

  const dispatch = (message: unknown) => {
    const request = message as KeeperRequest;
    answer(request).then(
      (value) => {
        if (request.op !== "note") send({ id: request.id, ok: true, value });
      },
      (error: unknown) => {
        if (!(error instanceof LogPathRefused)) context.onError(error);
        send({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error), ...(error instanceof LogPathRefused && { refused: error.path }) });
      },
    );
  };

  socket.on("data", jsonLines(dispatch, () => socket.destroy()));
  socket.on("error", () => undefined);
  socket.once("close", () => {
    for (const { kept, watcher } of handles.values()) {
      kept.watchers.delete(watcher);
      void context.logs.release(kept).catch(context.onError);
    }
    handles.clear();
    onClose();
  });
}
