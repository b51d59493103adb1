// The agent's redial schedule (pure): exponential from a base to a cap with "full jitter", so a
// fleet of agents that lost their coordinator together does not come back in lockstep.

export interface ReconnectPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { baseMs: 500, maxMs: 10_000 };

/** Delay before redial number `attempt` (1, 2, ...); `random` is in [0, 1). Never below half the step. */
export function reconnectDelayMs(policy: ReconnectPolicy, attempt: number, random: number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random);
}
