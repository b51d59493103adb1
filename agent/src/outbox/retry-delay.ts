// How long the outbox waits before publishing again after a failure: exponential, capped, jittered,
// so that many agents reconnecting to a NATS that came back do not retry in lockstep.

export interface RetryDelayPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY_DELAY: RetryDelayPolicy = { initialMs: 100, maxMs: 5_000 };

/** Delay before retry number `failures` (1 = after the first failure): uniform in [cap/2, cap]. */
export function retryDelayMs(failures: number, policy: RetryDelayPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const cap = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(cap / 2 + random() * (cap / 2));
}
