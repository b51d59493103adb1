// Recognises a failure of the database itself (cannot connect, connection lost, refusing
// connections, statement timeout) behind drizzle's and pg-pool's wrappers, as a short reason.

export const DATABASE_UNAVAILABLE_REASONS = {
  cannotConnect: "cannot connect to PostgreSQL",
  connectionLost: "the connection to PostgreSQL was lost",
  refusing: "PostgreSQL refuses connections (starting, stopping or full)",
  statementTimeout: "a statement timed out",
} as const;
export type DatabaseUnavailableReason = (typeof DATABASE_UNAVAILABLE_REASONS)[keyof typeof DATABASE_UNAVAILABLE_REASONS];

const R = DATABASE_UNAVAILABLE_REASONS;

/** Socket errors of node's net module (the code of the error or of each error of an AggregateError). */
const CONNECT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ETIMEDOUT"]);
const LOST_CODES = new Set(["ECONNRESET", "EPIPE"]);

/** node-postgres and pg-pool raise these without a code. */
const MESSAGES: readonly (readonly [RegExp, DatabaseUnavailableReason])[] = [
  [/^timeout exceeded when trying to connect$/, R.cannotConnect],
  [/^Connection terminated due to connection timeout$/, R.cannotConnect],
  [/^Connection terminated( unexpectedly)?$/, R.connectionLost],
  [/^Client has encountered a connection error and is not queryable$/, R.connectionLost],
  [/^Client was closed and is not queryable$/, R.connectionLost],
  [/^Query read timeout$/, R.statementTimeout],
];

/** SQLSTATE of the server (class 08: connection exception). */
function sqlStateReason(code: string): DatabaseUnavailableReason | undefined {
  if (code.startsWith("08")) return R.connectionLost;
  if (code === "57P01" || code === "57P02") return R.connectionLost; // admin_shutdown (pg_terminate_backend), crash_shutdown
  if (code === "57P03" || code === "53300") return R.refusing; // cannot_connect_now, too_many_connections
  if (code === "57014") return R.statementTimeout; // query_canceled (statement_timeout)
  return undefined;
}

/** Why the database is unavailable if `error` (or an error it wraps) says so; undefined otherwise. */
export function databaseUnavailableReason(error: unknown, depth = 0): DatabaseUnavailableReason | undefined {
  if (!(error instanceof Error) || depth > 5) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (CONNECT_CODES.has(code)) return R.cannotConnect;
    if (LOST_CODES.has(code)) return R.connectionLost;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const reason = sqlStateReason(code);
      if (reason !== undefined) return reason;
    }
  }
  const known = MESSAGES.find(([pattern]) => pattern.test(error.message));
  if (known !== undefined) return known[1];
  if (error instanceof AggregateError) {
    for (const inner of error.errors as unknown[]) {
      const reason = databaseUnavailableReason(inner, depth + 1);
      if (reason !== undefined) return reason;
    }
  }
  return databaseUnavailableReason(error.cause, depth + 1);
}

/** The message clients see: what failed, never the SQL or the server's address. */
export function databaseUnavailableMessage(reason: DatabaseUnavailableReason): string {
  return `database unavailable: ${reason}`;
}

/** The innermost cause's message: the driver's own words, without drizzle's "Failed query: <SQL>". */
export function innermostMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
