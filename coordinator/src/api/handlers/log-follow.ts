// Following a service's log: the tail first, then reading on from the position each answer ends at
// (ReadLog), so every line arrives once and in order, also across log rotations on the host.
import { type ControlPlane } from "../../control/control-plane.js";
import { type ServiceRef } from "../../store/repositories/service-rows.js";
import { sleep } from "../sleep.js";
import { type StreamSink } from "./handler-types.js";

export const FOLLOW_BATCH_LINES = 1_000;

export type LogReader = Pick<ControlPlane, "tailLog" | "readLog">;

/** A full batch means more is waiting: read on at once; otherwise wait pollMs before asking again. */
export async function followLog(control: LogReader, ref: ServiceRef, lines: number, pollMs: number, sink: StreamSink<{ lines: string[] }>): Promise<void> {
  const tail = await control.tailLog(ref, lines);
  if (tail.lines.length > 0) await sink.write({ lines: [...tail.lines] });
  let position = tail.next;
  while (!sink.signal.aborted) {
    const chunk = await control.readLog(ref, position, FOLLOW_BATCH_LINES);
    position = chunk.next;
    if (chunk.lines.length > 0) await sink.write({ lines: [...chunk.lines] });
    if (chunk.lines.length < FOLLOW_BATCH_LINES) await sleep(pollMs, sink.signal);
  }
}
