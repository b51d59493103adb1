// A manual clock for logic tests: time moves only when the test advances it, and every timer due
// on the way fires in order, with pending promise work flushed between timers.
import { setImmediate as nextMacrotask } from "node:timers/promises";
import type { Clock, TimerHandle } from "./clock.js";

interface PendingTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Set<PendingTimer>();

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: PendingTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  /** Timers not yet fired, e.g. to assert that a pending restart was cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by ms, firing due timers in order and letting async work settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const next = [...this.timers].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined) break;
      this.timers.delete(next);
      this.current = next.at;
      next.fn();
      await settle();
    }
    this.current = target;
    await settle();
  }
}

/** Lets chains of promise callbacks (several awaits deep) run to completion. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await nextMacrotask();
}
