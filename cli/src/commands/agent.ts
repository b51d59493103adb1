// `vigil agent`: the per-host agent — dials the coordinator's AgentLink, supervises the host's
// services, and publishes their status events to NATS through its disk outbox.
import { type Command, Option } from "commander";

export function registerAgentCommand(program: Command): void {
  program
    .command("agent")
    .description("run the agent of this host (dials the coordinator, supervises services, reports events)")
    .option("--coordinator <host:port>", "a coordinator's gRPC address; repeat it or separate with commas to give each replica's, tried in turn on failure (env VIGIL_COORDINATOR)", collect)
    .option("--nats-url <url>", "NATS server, e.g. nats://127.0.0.1:4222 (env VIGIL_NATS_URL)")
    .option("--host-name <name>", "this host's name (env VIGIL_HOST_NAME; default the machine's host name)")
    .option("--token-file <path>", "file holding this host's token (over TLS: the one-time bootstrap token of vigil host add), owned by the agent's user, mode 0600 or 0400 (env VIGIL_TOKEN_FILE; or the token itself in env VIGIL_TOKEN)")
    // Refused with an explanation: a token on the command line is visible in /proc/<pid>/cmdline.
    .addOption(new Option("--token <token>").hideHelp())
    .option("--state-dir <dir>", "the agent's state: outbox, launch records (env VIGIL_STATE_DIR; default /var/lib/vigil)")
    .option("--host-config <file>", "host configuration file, JSON or YAML (env VIGIL_HOST_CONFIG)")
    .option("--bus-prefix <prefix>", "prefix of NATS subjects (env VIGIL_BUS_PREFIX; default vigil)")
    .option("--events <transport>", "where status events go: nats (durable, through NATS JetStream) or link (on the AgentLink stream, as vigil up does) (env VIGIL_EVENTS; default nats)")
    // An older or newer build's keeper, for tests of an upgrade (see docs/architecture.md, the log keeper).
    .addOption(new Option("--log-keeper-protocol <version>", "speak this log keeper protocol version").argParser(Number).hideHelp())
    .addOption(new Option("--exit-with-stdin", "stop every service and exit when standard input closes (vigil up's agent ends with vigil up)").hideHelp())
    .option("--metrics-listen <host:port>", "serve Prometheus metrics on http://<host:port>/metrics (env VIGIL_METRICS_LISTEN; default off; no authentication: bind to loopback or a private address)")
    .option("--ca-file <file>", "the coordinator's CA certificate, to verify it over TLS (env VIGIL_CA_FILE)")
    .option("--ca-pin <sha256>", "the SHA-256 of the coordinator's CA certificate, as vigil host add prints it (env VIGIL_CA_PIN)")
    .option("--tls-cert <file>", "your own client certificate for this host (with --tls-key and --ca-file) instead of the bootstrap (env VIGIL_TLS_CERT)")
    .option("--tls-key <file>", "its private key (env VIGIL_TLS_KEY)")
    .option("--insecure", "dial a non-loopback coordinator in plaintext: the token crosses the network in clear (env VIGIL_INSECURE)")
    .option("--nats-credentials-file <file>", "file (mode 0600) holding user:password of this host's NATS user (env VIGIL_NATS_CREDENTIALS_FILE)")
    .option("--on-exit <policy>", "what SIGTERM or SIGINT does to this host's services: leave-running (they run on; the next agent run takes them over, so an agent restart or upgrade restarts no service) or stop-services (env VIGIL_ON_EXIT; default leave-running)")
    .option("--config <file>", "configuration file, JSON or YAML (env VIGIL_CONFIG)")
    .action(async (options: Record<string, unknown>) => {
      const { runAgent } = await import("../run/run-agent.js");
      await runAgent(options);
    });
}

/** A repeated flag keeps every value (compileAgentConfig splits each on commas). */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
