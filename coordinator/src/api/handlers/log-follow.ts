// Following a service's log: read on from the offset the tail returned (ReadLog) or, with an
// agent that only tails, poll the tail and print what lies after the last lines already sent.
import { type ControlPlane } from "../../control/control-plane.js";
import { ControlError } from "../../control/control-errors.js";
import { type ServiceRef } from "../../store/repositories/service-rows.js";
import { sleep } from "../sleep.js";
import { type StreamSink } from "./handler-types.js";

const FOLLOW_BATCH_LINES = 1_000;
/** How many of the last lines sent locate the new ones in a fresh tail. */
const ANCHOR_LINES = 20;

/** The lines of `tail` after the last occurrence of `anchor`; all of `tail` if it is not there. */
export function linesAfter(anchor: readonly string[], tail: readonly string[]): string[] {
  if (anchor.length === 0) return [...tail];
  for (let end = tail.length; end >= anchor.length; end--) {
    if (anchor.every((line, index) => tail[end - anchor.length + index] === line)) return tail.slice(end);
  }
  return [...tail];
}

export async function followLog(control: ControlPlane, ref: ServiceRef, lines: number, pollMs: number, sink: StreamSink<{ lines: string[] }>): Promise<void> {
  const tail = await control.tailLog(ref, lines);
  let sent = [...tail.lines].slice(-ANCHOR_LINES);
  if (tail.lines.length > 0) await sink.write({ lines: [...tail.lines] });
  let position = tail.next;
  let readable = true;
  while (!sink.signal.aborted) {
    let fresh: string[];
    if (readable) {
      try {
        const chunk = await control.readLog(ref, position, FOLLOW_BATCH_LINES);
        position = chunk.next;
        fresh = [...chunk.lines];
      } catch (error) {
        // An agent without ReadLog answers with an internal error; tailing still works.
        if (!(error instanceof ControlError) || error.code !== "internal") throw error;
        readable = false;
        continue;
      }
    } else {
      fresh = linesAfter(sent, (await control.tailLog(ref, FOLLOW_BATCH_LINES)).lines);
    }
    if (fresh.length > 0) {
      sent = [...sent, ...fresh].slice(-ANCHOR_LINES);
      await sink.write({ lines: fresh });
    } else {
      await sleep(pollMs, sink.signal);
    }
  }
}
