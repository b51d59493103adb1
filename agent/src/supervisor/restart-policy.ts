// The restart decision: a pure function of (policy, failure history, now, random) that answers
// "restart, after what delay, and why" or "disable: crash loop". No timers, no I/O.
import type { CompiledRestartPolicy } from "@vigil/shared";

/** Why a failed service is started again. */
export const RESTART_REASONS = {
  /** The first failure since the service was started or last ran healthily: restart at once. */
  firstFailure: "first-failure",
  /** A repeated failure: restart after an exponentially growing, jittered delay. */
  backoff: "backoff",
} as const;
export type RestartReason = (typeof RESTART_REASONS)[keyof typeof RESTART_REASONS];

/** Why Vigil disabled a service on its own. */
export const CRASH_LOOP_REASON = "crash-loop";

export type RestartDecision =
  | { readonly action: "restart"; readonly delayMs: number; readonly reason: RestartReason }
  | { readonly action: "disable"; readonly reason: typeof CRASH_LOOP_REASON };

/**
 * What the policy remembers of a service's failures. A requested restart or stop is never
 * recorded here: only exits nobody asked for, start failures and failed health checks.
 */
export interface FailureHistory {
  /** Times of recent failures, oldest first, pruned to the failure window. */
  readonly failures: readonly number[];
  /** Failures since the last healthy run; drives the backoff exponent. */
  readonly consecutive: number;
}

export const EMPTY_FAILURE_HISTORY: FailureHistory = { failures: [], consecutive: 0 };

/** A failed run: when it started (null if it never started) and when it failed. */
export interface FailedRun {
  readonly startedAt: number | null;
  readonly failedAt: number;
}

/**
 * Adds one failure. A run that lasted healthyRunResetMs resets the backoff, but not the crash-loop
 * window: a service that runs 20 s and dies five times in two minutes is still looping.
 */
export function recordFailure(policy: CompiledRestartPolicy, history: FailureHistory, run: FailedRun): FailureHistory {
  const ranFor = run.startedAt === null ? 0 : run.failedAt - run.startedAt;
  const healthyBefore = ranFor >= policy.healthyRunResetMs && policy.healthyRunResetMs > 0;
  return {
    failures: [...inWindow(policy, history.failures, run.failedAt), run.failedAt],
    consecutive: healthyBefore ? 1 : history.consecutive + 1,
  };
}

/** Decides what follows the failure most recently added to history. random() returns [0, 1). */
export function decideRestart(
  policy: CompiledRestartPolicy,
  history: FailureHistory,
  now: number,
  random: () => number,
): RestartDecision {
  if (inWindow(policy, history.failures, now).length >= policy.maxFailures) {
    return { action: "disable", reason: CRASH_LOOP_REASON };
  }
  if (history.consecutive <= 1) {
    return { action: "restart", delayMs: policy.firstRestartDelayMs, reason: RESTART_REASONS.firstFailure };
  }
  return { action: "restart", delayMs: backoffDelay(policy, history.consecutive - 1, random), reason: RESTART_REASONS.backoff };
}

/** The nth backoff (1-based): base * factor^(n-1), jittered by ± jitterFraction, never above the cap. */
export function backoffDelay(policy: CompiledRestartPolicy, n: number, random: () => number): number {
  const raw = Math.min(policy.backoffCapMs, policy.backoffBaseMs * policy.backoffFactor ** (n - 1));
  const jitter = 1 + policy.jitterFraction * (2 * random() - 1);
  return Math.round(Math.min(policy.backoffCapMs, raw * jitter));
}

function inWindow(policy: CompiledRestartPolicy, failures: readonly number[], now: number): number[] {
  return failures.filter((at) => now - at < policy.failureWindowMs);
}
