// Time as supervision sees it: now() and cancellable timers behind one interface, so restart
// delays, stop timeouts and health-check schedules run on a fake clock in logic tests.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** Runs fn once after ms; cancel() before that prevents it. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Resolves after ms on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, resolve));
}
