// `vigil coordinator`: the distributed-mode coordinator — PostgreSQL, NATS JetStream for status
// events, and the AgentLink and Admin gRPC services on one listen address.
import { type Command } from "commander";

export function registerCoordinatorCommand(program: Command): void {
  program
    .command("coordinator")
    .description("run the coordinator (PostgreSQL, NATS JetStream, gRPC AgentLink and Admin API)")
    .option("--database-url <url>", "postgres://… or pglite:<dir> (env VIGIL_DATABASE_URL)")
    .option("--nats-url <url>", "NATS server, e.g. nats://127.0.0.1:4222 (env VIGIL_NATS_URL)")
    .option("--listen <host:port>", "gRPC listen address (env VIGIL_LISTEN; default 0.0.0.0:7465); TLS unless loopback with no TLS setting, or --insecure")
    .option("--http-listen <host:port>", "HTTP/JSON Admin API and web console listen address (env VIGIL_HTTP_LISTEN; default none)")
    .option("--bus-prefix <prefix>", "prefix of NATS subjects, stream and consumer (env VIGIL_BUS_PREFIX; default vigil)")
    .option("--bootstrap-token-file <path>", "write a first operator token to this file (mode 0600) if it does not exist (env VIGIL_BOOTSTRAP_TOKEN_FILE)")
    .option("--event-retention-days <days>", "events older than this are deleted by the retention job, in batches (env VIGIL_EVENT_RETENTION_DAYS; default 30)", Number)
    .option("--host-down-window-ms <ms>", "a host down longer than this gets a host-down-too-long event, and its pool's action (env VIGIL_HOST_DOWN_WINDOW_MS; default 600000)", Number)
    .option("--host-down-action-public <action>", "report, or drain: also move a public host's accounts to other hosts once it is down past the window (env VIGIL_HOST_DOWN_ACTION_PUBLIC; default report)")
    .option("--host-down-action-private <action>", "report, or drain (to other hosts of the same owner) for private hosts (env VIGIL_HOST_DOWN_ACTION_PRIVATE; default report)")
    .option("--database-connect-timeout-ms <ms>", "give up connecting to PostgreSQL after this long; calls then answer UNAVAILABLE (env VIGIL_DATABASE_CONNECT_TIMEOUT_MS; default 5000)", Number)
    .option("--database-statement-timeout-ms <ms>", "PostgreSQL statement_timeout (env VIGIL_DATABASE_STATEMENT_TIMEOUT_MS; default 30000)", Number)
    .option("--max-streams-per-token <n>", "concurrent WatchEvents/FollowLogs streams one token may hold (env VIGIL_MAX_STREAMS_PER_TOKEN; default 16)", Number)
    .option("--max-calls-per-token <n>", "concurrent Admin calls one token may have in flight (env VIGIL_MAX_CALLS_PER_TOKEN; default 64)", Number)
    .option("--metrics-listen <host:port>", "serve Prometheus metrics on http://<host:port>/metrics (env VIGIL_METRICS_LISTEN; default off; no authentication: bind to loopback or a private address)")
    .option("--state-dir <dir>", "where the CA and server certificate are created on first start, in tls/ (env VIGIL_STATE_DIR; default /var/lib/vigil/coordinator)")
    .option("--tls-names <names>", "comma-separated DNS names and IP addresses agents reach this coordinator by, for its certificate (env VIGIL_TLS_NAMES)")
    .option("--tls-cert <file>", "your own server certificate chain (with --tls-key and --tls-ca) instead of the created ones (env VIGIL_TLS_CERT)")
    .option("--tls-key <file>", "its private key (env VIGIL_TLS_KEY)")
    .option("--tls-ca <file>", "the CA that agents' certificates must chain to (env VIGIL_TLS_CA)")
    .option("--tls-ca-key <file>", "that CA's key, so that vigil host add can bootstrap agents (env VIGIL_TLS_CA_KEY)")
    .option("--insecure", "listen in plaintext even on a non-loopback address: tokens cross the network in clear (env VIGIL_INSECURE)")
    .option("--nats-credentials-file <file>", "file (mode 0600) holding user:password of the coordinator's NATS user (env VIGIL_NATS_CREDENTIALS_FILE)")
    .option("--config <file>", "configuration file, JSON or YAML (env VIGIL_CONFIG)")
    .action(async (options: Record<string, unknown>) => {
      const { runCoordinator } = await import("../run/run-coordinator.js");
      await runCoordinator(options);
    });
}
