// Keeps the agent alive when a service exhausts memory: its own OOM score goes down to -900 (services
// launch at +500), so the kernel's OOM killer picks a service long before the agent.
import { writeFileSync } from "node:fs";

export const AGENT_OOM_SCORE_ADJ = -900;

/** Lowering needs root (CAP_SYS_RESOURCE); an agent without it says so and runs on. */
export function protectAgentFromOom(path = "/proc/self/oom_score_adj"): { readonly ok: true } | { readonly ok: false; readonly message: string } {
  try {
    writeFileSync(path, String(AGENT_OOM_SCORE_ADJ));
    return { ok: true };
  } catch (error) {
    return { ok: false, message: `could not lower the agent's OOM score to ${AGENT_OOM_SCORE_ADJ}: ${(error as Error).message}` };
  }
}
