// Sending signals to pids that may already be gone: ESRCH is the normal end of a race with exit,
// not an error worth reporting.

/** True when the process existed and received the signal. */
export function signalPid(pid: number, signal: NodeJS.Signals | number): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

export function signalPids(pids: readonly number[], signal: NodeJS.Signals | number): void {
  for (const pid of pids) signalPid(pid, signal);
}

/** Resolves true as soon as isDone() holds, false once timeoutMs has passed. */
export async function pollUntil(isDone: () => boolean, timeoutMs: number, intervalMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (isDone()) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }
}
