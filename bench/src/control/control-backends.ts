// What every control-plane scenario (scale, failover, drain) stands on: its own PostgreSQL database,
// a private NATS server, a store on the database for seeding, and the cleanups to run in order.
import { startPrivateNatsServer } from "@vigil/agent";
import { createTestDatabase, openStore, type Store } from "@vigil/coordinator";
import type { PidLedger } from "../proc/pid-ledger.js";
import type { FigureLog, Unit } from "../report/figures.js";
import { CONTROL_SECTION } from "../report/targets.js";

export interface ControlBackends {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  /** The scenario's bus prefix. */
  readonly prefix: string;
  readonly store: Store;
  /** Run first to last at the end; add what must end before the backends with `unshift`. */
  readonly cleanups: Array<() => Promise<void>>;
}

export async function openControlBackends(scenario: string, ledger: PidLedger): Promise<ControlBackends> {
  const database = await createTestDatabase();
  const nats = await startPrivateNatsServer();
  if (nats.pid !== undefined) ledger.record(nats.pid, "nats-server");
  const store = await openStore({ url: database.url });
  const cleanups: Array<() => Promise<void>> = [() => store.close(), () => database.drop(), () => nats.stop()];
  return { databaseUrl: database.url, natsUrl: nats.url, prefix: `${scenario}${process.pid}`, store, cleanups };
}

/** Sets a control-plane figure: Vigil's value, and none for the peers, which have no control plane. */
export function controlFigureSetter(figures: FigureLog): (metric: string, unit: Unit, value: number | null, note?: string, lowerIsBetter?: boolean) => void {
  return (metric, unit, value, note, lowerIsBetter = true) => {
    figures.set(CONTROL_SECTION, metric, unit, lowerIsBetter, "vigil", value, note);
    for (const peer of ["supervisord", "pm2"] as const) figures.set(CONTROL_SECTION, metric, unit, lowerIsBetter, peer, null, "no control plane");
  };
}
