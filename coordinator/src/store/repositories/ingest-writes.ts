// The ingest batcher's writes: each is one statement whatever the number of rows, so a batch of 1 and
// a batch of 1,000 cost the same round trips. Rows travel as one JSON parameter.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../db.js";
import { accounts } from "../tables/accounts.js";
import { events } from "../tables/events.js";
import { hosts } from "../tables/hosts.js";
import { serviceStatus } from "../tables/service-status.js";
import { services } from "../tables/services.js";
import { type ServiceEventInput } from "./events.js";
import { type StatusDetails } from "./status.js";

export interface InsertedEvents {
  /** Ids stored by this statement (not those already stored: redeliveries). */
  readonly inserted: ReadonlySet<string>;
  /** Ids refused because the service is placed on another host than the one reporting it, with that host (null: unplaced). */
  readonly refused: ReadonlyMap<string, string | null>;
}

/**
 * Stores the events in the given order (their positions follow it), skipping ids already stored and
 * events about a service that exists but is not placed on the reporting host.
 */
export async function insertEvents(db: Db, inputs: readonly ServiceEventInput[]): Promise<InsertedEvents> {
  if (inputs.length === 0) return { inserted: new Set(), refused: new Map() };
  const rows = inputs.map((event, ord) => ({ ord, id: event.id, host: event.host, account: event.account, service: event.service, kind: event.kind, state: event.state, at: event.at.toISOString(), sequence: event.sequence ?? 0, payload: { ...event.payload } }));
  const result = await queryRows<{ id: string; outcome: "inserted" | "refused"; placed: string | null }>(
    db,
    sql`with r as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(ord integer, id text, host text, account text, service text, kind text, state text, at timestamptz, sequence bigint, payload jsonb)
      ), refused as (
        select r.id, h.name as placed from r
        join ${accounts} a on a.name = r.account
        join ${services} s on s.account_id = a.id and s.name = r.service
        left join ${hosts} h on h.id = s.host_id
        where h.name is distinct from r.host
      ), inserted as (
        insert into ${events} (id, host, account, service, kind, state, at, sequence, payload)
        select r.id, r.host, r.account, r.service, r.kind, r.state, r.at, r.sequence, r.payload from r
        where r.id not in (select id from refused)
        order by r.ord
        on conflict (id) do nothing
        returning id
      )
      select id, 'inserted' as outcome, null as placed from inserted union all select id, 'refused', placed from refused`,
  );
  return {
    inserted: new Set(result.filter((row) => row.outcome === "inserted").map((row) => row.id)),
    refused: new Map(result.filter((row) => row.outcome === "refused").map((row) => [row.id, row.placed])),
  };
}

export interface StatusRow {
  readonly account: string;
  readonly name: string;
  readonly host: string;
  readonly state: string;
  readonly at: Date;
  readonly sequence: number;
  readonly details: StatusDetails;
  readonly placedOnly: boolean;
}

/** A status row as JSON: only the fields the report carries are present, so absent ones keep their stored value. */
function statusDocument(row: StatusRow): Record<string, unknown> {
  const d = row.details;
  return {
    account: row.account,
    name: row.name,
    host: row.host,
    state: row.state,
    at: row.at.toISOString(),
    sequence: row.sequence,
    placed_only: row.placedOnly,
    ...(d.mainPid !== undefined && { main_pid: d.mainPid }),
    ...(d.startedAt !== undefined && { started_at: d.startedAt?.toISOString() ?? null }),
    ...(d.restarts !== undefined && { restarts: d.restarts }),
    ...(d.lastExit !== undefined && { last_exit: d.lastExit === null ? null : { code: d.lastExit.code, signal: d.lastExit.signal, at: d.lastExit.at.toISOString(), reason: d.lastExit.reason ?? "" } }),
    ...(d.disabledReason !== undefined && { disabled_reason: d.disabledReason }),
    ...(d.processes !== undefined && { processes: d.processes }),
    ...(d.processesOmitted !== undefined && { processes_omitted: d.processesOmitted }),
    ...(d.logDegraded !== undefined && { log_degraded: d.logDegraded }),
    ...(d.logLinesDropped !== undefined && { log_lines_dropped: d.logLinesDropped }),
    ...(d.taskLimitHits !== undefined && { task_limit_hits: d.taskLimitHits }),
  };
}

/**
 * Applies one status row per service (fold them first): like applyStatus, a report from the host that
 * reported last applies only if its sequence is not older. Services that do not exist are skipped.
 */
export async function applyStatusRows(db: Db, rows: readonly StatusRow[]): Promise<void> {
  if (rows.length === 0) return;
  const documents = JSON.stringify(rows.map(statusDocument));
  // `keep(field, cast, column)`: the report's value when it carries the field, else the stored one.
  const keep = (field: string, value: string, column: string) => sql.raw(`case when src.doc ? '${field}' then ${value} else st.${column} end`);
  const exit = (part: string, cast: string) => `(src.doc->'last_exit'->>'${part}')${cast}`;
  await db.execute(sql`with src as (
      select s.id as service_id, e.doc from jsonb_array_elements(${documents}::jsonb) as e(doc)
      join ${accounts} a on a.name = e.doc->>'account'
      join ${services} s on s.account_id = a.id and s.name = e.doc->>'name'
      left join ${hosts} h on h.id = s.host_id
      where not (e.doc->>'placed_only')::boolean or h.name = e.doc->>'host'
    ), updated as (
      update ${serviceStatus} st set
        state = src.doc->>'state', updated_at = (src.doc->>'at')::timestamptz, source_host = src.doc->>'host', last_event_sequence = (src.doc->>'sequence')::bigint,
        main_pid = ${keep("main_pid", "(src.doc->>'main_pid')::integer", "main_pid")},
        started_at = ${keep("started_at", "(src.doc->>'started_at')::timestamptz", "started_at")},
        restarts = ${keep("restarts", "(src.doc->>'restarts')::integer", "restarts")},
        last_exit_code = ${keep("last_exit", exit("code", "::integer"), "last_exit_code")},
        last_exit_signal = ${keep("last_exit", exit("signal", ""), "last_exit_signal")},
        last_exit_at = ${keep("last_exit", exit("at", "::timestamptz"), "last_exit_at")},
        last_exit_reason = ${keep("last_exit", `coalesce(${exit("reason", "")}, '')`, "last_exit_reason")},
        disabled_reason = ${keep("disabled_reason", "src.doc->>'disabled_reason'", "disabled_reason")},
        processes = ${keep("processes", "src.doc->'processes'", "processes")},
        processes_omitted = ${keep("processes_omitted", "(src.doc->>'processes_omitted')::integer", "processes_omitted")},
        log_degraded = ${keep("log_degraded", "(src.doc->>'log_degraded')::boolean", "log_degraded")},
        log_lines_dropped = ${keep("log_lines_dropped", "(src.doc->>'log_lines_dropped')::bigint", "log_lines_dropped")},
        task_limit_hits = ${keep("task_limit_hits", "(src.doc->>'task_limit_hits')::bigint", "task_limit_hits")}
      from src
      where st.service_id = src.service_id and (st.source_host <> src.doc->>'host' or st.last_event_sequence <= (src.doc->>'sequence')::bigint)
      returning st.service_id
    )
    insert into ${serviceStatus} (service_id, state, updated_at, source_host, last_event_sequence, main_pid, started_at, restarts,
      last_exit_code, last_exit_signal, last_exit_at, last_exit_reason, disabled_reason, processes, processes_omitted, log_degraded, log_lines_dropped, task_limit_hits)
    select src.service_id, src.doc->>'state', (src.doc->>'at')::timestamptz, src.doc->>'host', (src.doc->>'sequence')::bigint,
      (src.doc->>'main_pid')::integer, (src.doc->>'started_at')::timestamptz, coalesce((src.doc->>'restarts')::integer, 0),
      ${sql.raw(exit("code", "::integer"))}, ${sql.raw(exit("signal", ""))}, ${sql.raw(exit("at", "::timestamptz"))}, coalesce(${sql.raw(exit("reason", ""))}, ''),
      coalesce(src.doc->>'disabled_reason', ''), coalesce(src.doc->'processes', '[]'::jsonb), coalesce((src.doc->>'processes_omitted')::integer, 0),
      coalesce((src.doc->>'log_degraded')::boolean, false), coalesce((src.doc->>'log_lines_dropped')::bigint, 0),
      coalesce((src.doc->>'task_limit_hits')::bigint, 0)
    from src
    where src.service_id not in (select service_id from updated)
      and not exists (select 1 from ${serviceStatus} x where x.service_id = src.service_id)
    on conflict (service_id) do nothing`);
}

/**
 * Marks each host up as of its time (never moving last_seen back) and records `host-up` for those that
 * were down until now: two statements whatever the number of hosts. Returns the hosts that came back.
 */
export async function markHostsHeard(db: Db, heard: ReadonlyMap<string, { readonly at: Date; readonly how: string }>): Promise<string[]> {
  if (heard.size === 0) return [];
  const rows = [...heard].map(([name, { at, how }]) => ({ name, at: at.toISOString(), how }));
  const back = await queryRows<{ name: string; at: string; how: string }>(
    db,
    // A subquery in RETURNING reads the statement's snapshot, so it sees the state before this update.
    sql`update ${hosts} set state = 'up', last_seen = greatest(${hosts}.last_seen, r.at)
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(name text, at timestamptz, how text)
      where ${hosts}.name = r.name
      returning ${hosts}.name, r.at, r.how, (select prior.state from ${hosts} prior where prior.id = ${hosts}.id) as was`,
  ).then((result) => result.filter((row) => (row as unknown as { was: string }).was === "down"));
  if (back.length > 0) {
    await db.insert(events).values(back.map((row) => ({ id: `host-up-${randomUUID()}`, host: row.name, account: "", service: "", kind: "host-up" as const, state: "unknown", at: new Date(row.at), payload: { message: `back up: ${row.how}` } })));
  }
  return back.map((row) => row.name);
}
