// A host down longer than the configured window: reported once per outage (`host-down-too-long`)
// and, where its pool's policy says "drain", drained: its accounts go to other hosts and its
// desired state ends empty, so a host that comes back runs none of them. Runs as a singleton job.
import { type HostDownAction } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { type SingletonJob } from "../jobs/singleton-jobs.js";
import { type Store } from "../store/open-store.js";
import { listEvents, recordHostEvent } from "../store/repositories/events.js";
import { type HostRecord, listHosts } from "../store/repositories/hosts.js";
import { type HostPool } from "../store/vocabulary.js";
import { requestHostDrain } from "./request-drain.js";

export interface HostDownPolicy {
  /** How long a host may stay down before the policy acts; default 10 minutes. */
  readonly windowMs: number;
  readonly actions: Readonly<Record<HostPool, HostDownAction>>;
}

export const DEFAULT_HOST_DOWN_POLICY: HostDownPolicy = { windowMs: 10 * 60_000, actions: { public: "report", private: "report" } };

/**
 * Pure: what to do about the host now. A host never seen runs nothing; one already reported since it
 * was last seen is left alone (one report per outage).
 */
export function hostDownDecision(host: Pick<HostRecord, "state" | "lastSeen" | "pool" | "serviceCount" | "draining">, policy: HostDownPolicy, now: number, reportedThisOutage: boolean): "none" | HostDownAction {
  if (host.state !== "down" || host.lastSeen === null || reportedThisOutage) return "none";
  if (now - host.lastSeen.getTime() < policy.windowMs) return "none";
  const action = policy.actions[host.pool];
  return action === "drain" && host.serviceCount > 0 && !host.draining ? "drain" : "report";
}

export interface HostDownPolicyOptions {
  readonly store: Store;
  readonly policy: HostDownPolicy;
  /** Told when a drain was started, so that it begins at once. */
  readonly onDrain?: () => void;
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** One check of every host; returns the hosts acted on. */
export async function applyHostDownPolicy(options: HostDownPolicyOptions): Promise<string[]> {
  const { store, policy } = options;
  const now = (options.now ?? Date.now)();
  const acted: string[] = [];
  for (const host of await listHosts(store.db)) {
    if (host.state !== "down" || host.lastSeen === null || now - host.lastSeen.getTime() < policy.windowMs) continue;
    const reported = (await listEvents(store.db, { host: host.name, kind: "host-down-too-long", since: host.lastSeen, limit: 1 })).length > 0;
    const decision = hostDownDecision(host, policy, now, reported);
    if (decision === "none") continue;
    const seconds = Math.round((now - host.lastSeen.getTime()) / 1000);
    const message = `down for ${seconds} s (window ${policy.windowMs / 1000} s); ${host.pool} pool policy: ${policy.actions[host.pool]}${decision === "drain" ? `, draining its ${host.serviceCount} service(s)` : ""}`;
    await recordHostEvent(store.db, { host: host.name, kind: "host-down-too-long", at: new Date(now), message });
    (options.logger ?? defaultLogger()).warn({ host: host.name }, `host ${message}`);
    if (decision === "drain") {
      await requestHostDrain(store, { host: host.name, why: `down for ${seconds} s`, allOrNothing: false });
      options.onDrain?.();
    }
    acted.push(host.name);
  }
  return acted;
}

export function hostDownPolicyJob(options: HostDownPolicyOptions): SingletonJob {
  return { name: "host-down-policy", intervalMs: Math.min(5_000, Math.max(200, Math.floor(options.policy.windowMs / 6))), run: async () => void (await applyHostDownPolicy(options)) };
}
