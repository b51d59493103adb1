// Notifications that events were stored: the events table's trigger (migration 0005) sends one on
// the `vigil_events` channel when any statement that inserted events commits, on whichever replica.
// PostgreSQL: a dedicated connection LISTENs, and comes back after a lost connection; PGlite: its listen.
import { type PGlite } from "@electric-sql/pglite";
import pg from "pg";

export const EVENTS_CHANNEL = "vigil_events";
const RELISTEN_MS = 1_000;

/** Stops listening. */
export type Unlisten = () => Promise<void>;
/**
 * Calls `notify` after each commit that stored events; also once after a lost connection is back
 * (events may have been stored meanwhile).
 */
export type ListenForEvents = (notify: () => void) => Promise<Unlisten>;

export function listenOnPglite(client: PGlite): ListenForEvents {
  return async (notify) => client.listen(EVENTS_CHANNEL, () => notify());
}

/** One connection of its own per listener (not from the pool, which it would otherwise hold forever). */
export function listenOnPostgres(config: pg.ClientConfig): ListenForEvents {
  return async (notify) => {
    let stopped = false;
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const open = async (): Promise<void> => {
      const next = new pg.Client(config);
      next.on("notification", () => notify());
      // A lost connection: listen again shortly and tell the watcher, who reads what it missed.
      next.on("error", () => reopen(next));
      next.on("end", () => reopen(next));
      await next.connect();
      await next.query(`listen ${EVENTS_CHANNEL}`);
      if (stopped) return void next.end().catch(() => undefined);
      client = next;
    };
    const reopen = (lost: pg.Client): void => {
      if (stopped || client !== lost) return;
      client = undefined;
      lost.end().catch(() => undefined);
      const attempt = (): void => {
        retry = setTimeout(() => void open().then(notify, attempt), RELISTEN_MS);
        retry.unref();
      };
      attempt();
    };
    await open();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
  };
}
