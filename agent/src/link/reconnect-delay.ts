// The agent's redial schedule (pure): which coordinator address to dial next and after how long.
// Addresses are tried in turn with only a short jittered pause (failover); once every one of a round
// failed, exponential backoff from a base to a cap with "full jitter", so a fleet of agents that lost
// their coordinators together does not come back in lockstep.

export interface ReconnectPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /**
   * Longest pause before dialling the next address after one failed or dropped while others of the
   * round are untried (jittered from 0, so a fleet does not hit the surviving replica at one instant).
   */
  readonly failoverMs?: number;
}

export const DEFAULT_FAILOVER_MS = 250;
export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { baseMs: 500, maxMs: 10_000, failoverMs: DEFAULT_FAILOVER_MS };

/** Delay before redial number `attempt` (1, 2, ...); `random` is in [0, 1). Never below half the step. */
export function reconnectDelayMs(policy: ReconnectPolicy, attempt: number, random: number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random);
}

/** Where the agent stands in its list of coordinator addresses. */
export interface DialState {
  /** The address dialled (or about to be). */
  readonly index: number;
  /** Addresses of the current round that failed so far. */
  readonly failedInRound: number;
  /** Whole rounds in a row in which every address failed: the backoff exponent. */
  readonly failedRounds: number;
}

export const FIRST_DIAL: DialState = { index: 0, failedInRound: 0, failedRounds: 0 };

export interface NextDial {
  readonly state: DialState;
  readonly delayMs: number;
}

/**
 * After the connection to address `state.index` of `addressCount` ended: `welcomed` says the
 * coordinator had accepted it (a link that dropped after working starts a fresh round, of which it
 * is the first failure). The next address is the following one; the pause is a failover pause while
 * the round has untried addresses, the backoff once all of them failed.
 */
export function nextDial(policy: ReconnectPolicy, addressCount: number, state: DialState, welcomed: boolean, random: number): NextDial {
  const count = Math.max(1, addressCount);
  const failedInRound = (welcomed ? 0 : state.failedInRound) + 1;
  const failedRounds = welcomed ? 0 : state.failedRounds;
  const index = (state.index + 1) % count;
  if (failedInRound < count) {
    return { state: { index, failedInRound, failedRounds }, delayMs: Math.round((policy.failoverMs ?? DEFAULT_FAILOVER_MS) * random) };
  }
  return { state: { index, failedInRound: 0, failedRounds: failedRounds + 1 }, delayMs: reconnectDelayMs(policy, failedRounds + 1, random) };
}
