// The service_status table: the last observed state of each service, one row per service,
// written from agent events and heartbeats and set to "unknown" when the host goes down.
import { bigint, boolean, check, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { type ProcessSnapshot, SERVICE_STATUS_STATES } from "@vigil/shared";
import { oneOf } from "./check-helpers.js";
import { services } from "./services.js";

export const serviceStatus = pgTable(
  "service_status",
  {
    serviceId: integer("service_id")
      .primaryKey()
      .references(() => services.id, { onDelete: "cascade" }),
    state: text("state", { enum: SERVICE_STATUS_STATES }).notNull(),
    mainPid: integer("main_pid"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    restarts: integer("restarts").notNull().default(0),
    lastExitCode: integer("last_exit_code"),
    lastExitSignal: text("last_exit_signal"),
    lastExitAt: timestamp("last_exit_at", { withTimezone: true }),
    /** The exit's reason from its event ("oom-killed", "task-limit", ...); "" for a plain exit. */
    lastExitReason: text("last_exit_reason").notNull().default(""),
    disabledReason: text("disabled_reason").notNull().default(""),
    processes: jsonb("processes").$type<ProcessSnapshot[]>().notNull().default([]),
    /** Processes the agent left out of `processes` (its heartbeat lists a bounded number). */
    processesOmitted: integer("processes_omitted").notNull().default(0),
    /** Writing the service's log fails on its host (e.g. a full disk); the service keeps running. */
    logDegraded: boolean("log_degraded").notNull().default(false),
    /** Log lines the agent dropped since it opened the log, because they could not be written. */
    logLinesDropped: bigint("log_lines_dropped", { mode: "number" }).notNull().default(0),
    /** Forks the running service's task limit refused in its current run; > 0: the limit is reached now. */
    taskLimitHits: bigint("task_limit_hits", { mode: "number" }).notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    sourceHost: text("source_host").notNull(),
    /** The reporting agent's sequence number: an older event redelivered late never wins. */
    lastEventSequence: bigint("last_event_sequence", { mode: "number" }).notNull().default(0),
  },
  (table) => [check("service_status_state_check", oneOf(table.state, SERVICE_STATUS_STATES))],
);
