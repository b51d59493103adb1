// Registers agents' Hellos in batches: the Hellos that arrive while one batch is being written are
// checked and recorded together, in one transaction and a fixed number of statements, so a fleet
// failing over to this replica at once is welcomed in a few round trips, not a few per host.
import { type Hello, NO_LIMITS, type ResourceLimits, resourceLimitsFromProto } from "@vigil/shared";
import { IngestBatcher } from "../ingest/ingest-batcher.js";
import { recordHostUp } from "../liveness/host-transitions.js";
import { databaseUnavailableReason } from "../store/database-unavailable.js";
import { type AgentHello, type HostBeforeHello, upsertHostsOnHello } from "../store/repositories/host-hellos.js";
import { type Store } from "../store/open-store.js";
import { authenticateHellos, type LinkPeer } from "./authenticate-hello.js";

export interface HelloRequest {
  readonly hello: Hello;
  readonly peer: LinkPeer;
  /** Whether another agent of the host holds a session here: its Hello must not touch the host's record. */
  readonly held: (host: string) => boolean;
}

export type HelloOutcome =
  | { readonly kind: "refused"; readonly message: string }
  | { readonly kind: "held"; readonly host: string }
  | { readonly kind: "registered"; readonly host: string; readonly tokenId: string | null; readonly before: HostBeforeHello };

interface HelloJob {
  readonly request: HelloRequest;
  outcome?: HelloOutcome;
}

/** Most Hellos in one batch (one IN list of host names per statement). */
const HELLO_BATCH = 500;

export class HelloRegistrar {
  readonly #store: Store;
  readonly #batcher: IngestBatcher<HelloJob>;

  constructor(store: Store) {
    this.#store = store;
    this.#batcher = new IngestBatcher<HelloJob>({
      write: (jobs) => this.#register(jobs),
      maxRecords: HELLO_BATCH,
      // An unreachable database fails every half too; anything else is isolated to the Hello that caused it.
      isolateAfter: (error) => databaseUnavailableReason(error) === undefined,
    });
  }

  /** Checks the Hello and, if it may, records the host as up; rejects if the database could not. */
  async register(request: HelloRequest): Promise<HelloOutcome> {
    const job: HelloJob = { request };
    await this.#batcher.submit([job]);
    return job.outcome!;
  }

  async #register(jobs: readonly HelloJob[]): Promise<void> {
    const now = new Date();
    const outcomes = await this.#store.transaction(async (tx) => {
      const checks = await authenticateHellos(tx, jobs.map(({ request }) => request));
      const decided = checks.map((check, i): HelloOutcome => {
        if (!check.ok) return { kind: "refused", message: check.message };
        if (jobs[i]!.request.held(check.host)) return { kind: "held", host: check.host };
        return { kind: "registered", host: check.host, tokenId: check.tokenId, before: null };
      });
      const hellos = decided.flatMap((outcome, i) => (outcome.kind === "registered" ? [agentHello(outcome.host, jobs[i]!.request.hello, now)] : []));
      const before = await upsertHostsOnHello(tx, hellos);
      const outcomes = decided.map((outcome) => (outcome.kind === "registered" ? { ...outcome, before: before.get(outcome.host) ?? null } : outcome));
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.kind !== "registered" || outcome.before?.state === "up") continue;
        const version = jobs[i]!.request.hello.agentVersion || "?";
        await recordHostUp(tx, outcome.host, now, `${outcome.before?.lastSeen ? "back up" : "first contact"}: agent ${version} connected`);
      }
      return outcomes;
    });
    for (const [i, job] of jobs.entries()) job.outcome = outcomes[i];
  }
}

function agentHello(host: string, hello: Hello, now: Date): AgentHello {
  return {
    name: host,
    agentVersion: hello.agentVersion,
    capacity: hello.capacity?.maxServices ?? 0,
    now,
    limitsMode: hello.limits?.mode ?? "",
    limitsDetail: hello.limits?.detail ?? "",
    accountCeiling: reportedCeiling(hello.limits?.accountCeiling),
    ...(hello.network && { network: hello.network }),
    ...(hello.firewall && { firewall: { nftables: hello.firewall.nftables, detail: hello.firewall.detail } }),
  };
}

/** An account ceiling the coordinator itself would not accept is treated as none (the agent caps by its own config anyway). */
function reportedCeiling(message: Parameters<typeof resourceLimitsFromProto>[0]): ResourceLimits {
  const compiled = resourceLimitsFromProto(message);
  return compiled.ok ? compiled.value : NO_LIMITS;
}
