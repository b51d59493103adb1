// The restart policy's thresholds as the host configures them (restart_policy.*), with defaults.
// The agent's restart decision reads only this compiled form.
import type { ConfigSection } from "./config-readers.js";

export interface CompiledRestartPolicy {
  /** Delay before the first restart after a failure (0: at once). */
  readonly firstRestartDelayMs: number;
  /** Delay before the second consecutive restart; each later one multiplies it by backoffFactor. */
  readonly backoffBaseMs: number;
  readonly backoffFactor: number;
  readonly backoffCapMs: number;
  /** Each backoff delay varies by up to ± this fraction, so services that failed together do not restart in step. */
  readonly jitterFraction: number;
  /** A run at least this long resets the backoff: the next failure restarts at once again. */
  readonly healthyRunResetMs: number;
  /** This many failures within failureWindowMs disable the service with reason "crash-loop". */
  readonly maxFailures: number;
  readonly failureWindowMs: number;
  /** An exit with code 127 this soon after the start is reported as "command not found". */
  readonly startFailureWindowMs: number;
}

export const DEFAULT_RESTART_POLICY: CompiledRestartPolicy = {
  firstRestartDelayMs: 0,
  backoffBaseMs: 1_000,
  backoffFactor: 2,
  backoffCapMs: 60_000,
  jitterFraction: 0.2,
  healthyRunResetMs: 10_000,
  maxFailures: 5,
  failureWindowMs: 120_000,
  startFailureWindowMs: 2_000,
};

const DAY_MS = 86_400_000;

export const RESTART_POLICY_SETTINGS = [
  "first_restart_delay_ms",
  "backoff_base_ms",
  "backoff_factor",
  "backoff_cap_ms",
  "jitter_fraction",
  "healthy_run_reset_ms",
  "max_failures",
  "failure_window_ms",
  "start_failure_window_ms",
] as const;

export function compileRestartPolicy(section: ConfigSection): CompiledRestartPolicy {
  const d = DEFAULT_RESTART_POLICY;
  section.rejectUnknown(RESTART_POLICY_SETTINGS);
  const policy: CompiledRestartPolicy = {
    firstRestartDelayMs: section.integer("first_restart_delay_ms", d.firstRestartDelayMs, 0, DAY_MS),
    backoffBaseMs: section.integer("backoff_base_ms", d.backoffBaseMs, 1, DAY_MS),
    backoffFactor: section.fraction("backoff_factor", d.backoffFactor, 1, 10),
    backoffCapMs: section.integer("backoff_cap_ms", d.backoffCapMs, 1, DAY_MS),
    jitterFraction: section.fraction("jitter_fraction", d.jitterFraction, 0, 0.9),
    healthyRunResetMs: section.integer("healthy_run_reset_ms", d.healthyRunResetMs, 0, DAY_MS),
    maxFailures: section.integer("max_failures", d.maxFailures, 1, 1_000),
    failureWindowMs: section.integer("failure_window_ms", d.failureWindowMs, 1, DAY_MS),
    startFailureWindowMs: section.integer("start_failure_window_ms", d.startFailureWindowMs, 0, 60_000),
  };
  if (policy.backoffCapMs < policy.backoffBaseMs) section.fail("backoff_cap_ms", "must be at least backoff_base_ms");
  return policy;
}
