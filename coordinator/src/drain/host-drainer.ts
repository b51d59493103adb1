// Carries out `host drain`: for each draining host, one account at a time, its services are sent
// stopped to the old host, and only once they are (agent ack or status) placed on the new host.
//
//   draining host ──pick account──> move started (old host: services stopped)
//        ^                               │ old host acked / reports them stopped / is down
//        ├──── account-moved <───────────┤ services placed on the target, or on another host of
//        │                               │ the pool if the target went down or was cordoned meanwhile
//        └── account-move-failed <───────┘ no host fits any more: the old host runs them again
//   no account left (or none fits) ──> drain-finished: draining off, host stays cordoned
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { type DesiredStateNotifier } from "../control/control-ports.js";
import { type Store } from "../store/open-store.js";
import { type AccountMove, accountsStaying, accountStoppedOn, cancelAccountMove, finishAccountMove, listDrainingHosts, moveOffHost, setDrainMessage, startAccountMove } from "../store/repositories/account-moves.js";
import { recordHostEvent } from "../store/repositories/events.js";
import { listHosts, requireHostId } from "../store/repositories/hosts.js";
import { describeMisfits, planDrain, retargetMove } from "./plan-drain.js";

export interface HostDrainerOptions {
  readonly store: Store;
  readonly notifier: DesiredStateNotifier;
  /** The revision a host's agent acknowledged on this replica's link (undefined: not connected here). */
  readonly ackedRevision: (host: string) => number | undefined;
  /** Whether this replica runs singleton work now (the jobs' lease). */
  readonly isLeader: () => boolean;
  /** Pause between steps while a drain waits; default 50 ms. Idle checks: default 1 s. */
  readonly busyMs?: number;
  readonly idleMs?: number;
  readonly logger?: Logger;
}

type StepOutcome = "waiting" | "progressed" | "finished";

export class HostDrainer {
  readonly #options: HostDrainerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  /** A drain was under way at the last round: acknowledgements are then worth a round at once. */
  #busy = false;

  constructor(options: HostDrainerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Runs a round now instead of at the next tick (a drain was just asked for). */
  wake(): void {
    if (this.#stopped || this.#running !== undefined) return;
    clearTimeout(this.#timer);
    this.#schedule(0);
  }

  /** An agent acknowledged a desired state: while a drain waits for one, look now. */
  acknowledged(): void {
    if (!this.#busy || this.#stopped || this.#running !== undefined) return;
    clearTimeout(this.#timer);
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One step of every draining host; true while any drain goes on. */
  async round(): Promise<boolean> {
    const draining = await listDrainingHosts(this.#options.store.db);
    for (const host of draining) await this.#step(host);
    return draining.length > 0;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#running = (this.#options.isLeader() ? this.round() : Promise.resolve(false))
        .catch((error: unknown) => {
          (this.#options.logger ?? defaultLogger()).error({ err: error }, "host drain step failed");
          return true;
        })
        .then((busy) => {
          this.#running = undefined;
          this.#busy = busy;
          if (!this.#stopped) this.#schedule(busy ? (this.#options.busyMs ?? 50) : (this.#options.idleMs ?? 1_000));
        });
    }, delayMs);
  }

  async #step(host: { id: number; name: string; state: string }): Promise<StepOutcome> {
    const { db } = this.#options.store;
    const move = await moveOffHost(db, host.id);
    if (move !== undefined) {
      if (!(await this.#stoppedOnOldHost(move, host.state))) return "waiting";
      const where = retargetMove(move, await listHosts(db));
      if (!where.ok) return this.#giveUp(move, where.message);
      const target = where.to === move.to ? move : { ...move, to: where.to, toHostId: await requireHostId(db, where.to) };
      const count = await finishAccountMove(db, target);
      // The old host already runs none of them: its new state can wait for the next move's, if any.
      this.#options.notifier.hostsChanged([target.to]);
      const because = where.why === "" ? "" : `, as ${where.why}`;
      await recordHostEvent(db, { host: move.from, kind: "account-moved", account: move.account, at: new Date(), message: `moved ${move.account} (${count} service(s)) from ${move.from} to ${target.to}${because}` });
    }
    const staying = await accountsStaying(db, host.id);
    const plan = planDrain(host.name, staying, await listHosts(db));
    const next = plan.moves[0];
    if (next === undefined) {
      this.#options.notifier.hostsChanged([host.name]);
      return this.#finish(host, plan.misfits.length === 0 ? "" : describeMisfits(plan.misfits));
    }
    const account = staying.find((candidate) => candidate.account === next.account)!;
    await startAccountMove(db, { accountId: account.accountId, fromHostId: host.id, toHostId: await requireHostId(db, next.to) });
    this.#options.notifier.hostsChanged([host.name]);
    const services = staying.reduce((sum, each) => sum + each.serviceCount, 0);
    await setDrainMessage(db, host.id, `moving ${next.account} to ${next.to}; ${staying.length} account(s), ${services} service(s) left here`);
    return "progressed";
  }

  /** No host takes the account any more: its services run again where they were, and operators are told why. */
  async #giveUp(move: AccountMove, why: string): Promise<StepOutcome> {
    const { db } = this.#options.store;
    await cancelAccountMove(db, move);
    this.#options.notifier.hostsChanged([move.from]);
    const message = `could not move ${move.account} (${move.serviceCount} service(s)) off ${move.from}: ${why}; they run on ${move.from} again`;
    await recordHostEvent(db, { host: move.from, kind: "account-move-failed", account: move.account, at: new Date(), message });
    (this.#options.logger ?? defaultLogger()).warn({ host: move.from, account: move.account }, message);
    return "progressed";
  }

  /** The old host runs none of the account's services: it acknowledged their stop, reports them stopped, or is down. */
  async #stoppedOnOldHost(move: AccountMove, hostState: string): Promise<boolean> {
    // A host that is down gets an empty desired state when it returns; nothing here can reach it.
    if (hostState === "down") return true;
    if ((this.#options.ackedRevision(move.from) ?? 0) >= move.stopRevision) return true;
    return accountStoppedOn(this.#options.store.db, move);
  }

  async #finish(host: { id: number; name: string }, misfits: string): Promise<StepOutcome> {
    const message = misfits === "" ? "drained: no service left, host cordoned" : `drain ended with accounts that fit nowhere, left here: ${misfits}`;
    // One transaction: whoever sees the drain over also sees its drain-finished event.
    await this.#options.store.transaction(async (tx) => {
      await setDrainMessage(tx, host.id, message, false);
      await recordHostEvent(tx, { host: host.name, kind: "drain-finished", at: new Date(), message });
    });
    (this.#options.logger ?? defaultLogger()).info({ host: host.name }, message);
    return "finished";
  }
}
