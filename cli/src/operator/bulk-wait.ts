// `--wait` of the bulk verbs: polls the services' status until every selected one has reached the
// goal (or the timeout), showing how many have, and names those that have not.
import { type ListServicesResponse, type Service, type ServiceRef } from "@vigil/shared";
import { type Progress } from "../output/progress.js";
import { type AdminSession } from "./admin-session.js";
import { CliError } from "./cli-error.js";

export type SettleGoal = "running" | "stopped";

/** The status states in which a service counts as settled for each goal (disabled services never run). */
const SETTLED: Readonly<Record<SettleGoal, readonly string[]>> = { running: ["running", "disabled"], stopped: ["stopped", "disabled"] };

export interface SettleRequest {
  readonly account: string;
  readonly goal: SettleGoal;
  readonly services: readonly ServiceRef[];
  readonly timeoutMs: number;
  readonly progress: Progress;
  readonly pollMs?: number;
}

export async function waitUntilSettled(session: AdminSession, request: SettleRequest): Promise<void> {
  const wanted = new Set(request.services.map(refKey));
  const deadline = Date.now() + request.timeoutMs;
  for (;;) {
    const { services } = await session.call<ListServicesResponse>("listServices", { account: request.account });
    const selected = services.filter((service) => wanted.has(refKey(service)));
    const pending = selected.filter((service) => !SETTLED[request.goal].includes(service.status?.state ?? ""));
    const line = `${request.goal === "stopped" ? "stopping" : "starting"}: ${selected.length - pending.length} of ${selected.length} ${request.goal}`;
    if (pending.length === 0) return request.progress.done(line);
    if (Date.now() >= deadline) {
      request.progress.done(line);
      throw new CliError(`${pending.length} service(s) not ${request.goal} after ${request.timeoutMs / 1000} s: ${describePending(pending)}`);
    }
    request.progress.update(line);
    await new Promise((resolve) => setTimeout(resolve, request.pollMs ?? 250));
  }
}

function refKey(ref: Pick<ServiceRef, "account" | "name">): string {
  return `${ref.account}/${ref.name}`;
}

function describePending(pending: readonly Service[]): string {
  const shown = pending.slice(0, 10).map((service) => `${refKey(service)} (${service.status?.state || "no status yet"})`);
  return pending.length > 10 ? `${shown.join(", ")} and ${pending.length - 10} more` : shown.join(", ");
}
